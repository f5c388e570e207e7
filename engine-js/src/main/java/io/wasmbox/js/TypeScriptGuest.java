package io.wasmbox.js;

import com.fasterxml.jackson.databind.node.NullNode;
import io.wasmbox.GuestError;
import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TypeScript sandbox's guest: a JavaScript guest whose code (and prelude) is first transpiled by the
 * shared {@link TypeScriptTranspiler}. Runs and checks transpile; invoke, global and callable go to the
 * JavaScript guest as they are. Positions in errors ({@code <input>:line:column} in the stack, and the
 * line) are mapped back to the TypeScript source with the transpile's source map.
 */
final class TypeScriptGuest implements Guest {
    private static final Pattern POSITION = Pattern.compile("<input>:(\\d+):(\\d+)");

    private final TypeScriptTranspiler transpiler;
    private final Guest js;
    /** The map of the last code run: functions called later (invoke) most likely come from it. */
    private SourceMapLines lastMap;

    TypeScriptGuest(TypeScriptTranspiler transpiler, Guest js) {
        this.transpiler = transpiler;
        this.js = js;
    }

    @Override
    public GuestResponse run(GuestRequest request) {
        boolean run = GuestRequest.RUN.equals(request.mode());
        if (!run && !GuestRequest.CHECK.equals(request.mode())) return mapped(js.run(request), lastMap);
        String prelude = request.prelude();
        if (prelude != null && !prelude.isBlank()) {
            TypeScriptTranspiler.Result p = transpiler.transpile(prelude);
            if (p.error() != null) return failed(p.error(), "in the prelude: ");
            prelude = p.js();
        }
        TypeScriptTranspiler.Result code = transpiler.transpile(request.code());
        if (code.error() != null) return failed(code.error(), "");
        GuestRequest javascript =
                request.toBuilder().code(code.js()).prelude(prelude).build();
        if (run) lastMap = code.map();
        return mapped(js.run(javascript), code.map());
    }

    private static GuestResponse failed(GuestError error, String where) {
        GuestError e = where.isEmpty()
                ? error
                : new GuestError(error.kind(), error.type(), where + error.message(), error.stackTrace(), -1);
        return new GuestResponse(NullNode.getInstance(), 1, e, false);
    }

    /** The response with its error's positions in the TypeScript source. */
    static GuestResponse mapped(GuestResponse response, SourceMapLines map) {
        GuestError error = response.error();
        if (error == null || map == null) return response;
        return new GuestResponse(response.value(), response.exitCode(), mapped(error, map), response.outOfMemory());
    }

    static GuestError mapped(GuestError error, SourceMapLines map) {
        int line = error.line();
        boolean lineMapped = false;
        Matcher m = POSITION.matcher(error.stackTrace());
        StringBuilder stack = new StringBuilder();
        while (m.find()) {
            int generatedLine = Integer.parseInt(m.group(1));
            int column = Integer.parseInt(m.group(2));
            int[] source = map.map(generatedLine, Math.max(0, column - 1));
            if (source == null) {
                m.appendReplacement(stack, Matcher.quoteReplacement(m.group()));
                continue;
            }
            if (!lineMapped && generatedLine == error.line()) {
                line = source[0];
                lineMapped = true;
            }
            m.appendReplacement(stack, Matcher.quoteReplacement("<input>:" + source[0] + ":" + (source[1] + 1)));
        }
        m.appendTail(stack);
        if (!lineMapped && line > 0) {
            int[] source = map.map(line, 0);
            if (source != null) line = source[0];
        }
        return new GuestError(error.kind(), error.type(), error.message(), stack.toString(), line);
    }

    @Override
    public long memoryBytes() {
        return js.memoryBytes();
    }

    @Override
    public void close() {
        js.close();
    }
}
