package io.wasmbox.js;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.js.TypeScriptTranspiler.Result;
import io.wasmbox.spi.GuestResponse;

/**
 * What the transpiler driver's response means: the JavaScript and its source map, or the error that
 * stops the script (TypeScript's syntax errors with their lines, import/export statements, the compiler's
 * own failure). Stateless.
 */
final class TranspileResults {
    private static final String NO_MODULES = "import and export statements are not supported: a TypeScript script"
            + " runs as one global script, not as a module (declare what you need in the script, or bind host"
            + " functions)";

    static Result failed(ErrorKind kind, String type, String message) {
        return new Result(null, null, new GuestError(kind, type, message, type + ": " + message + "\n", -1));
    }

    static Result of(GuestResponse response) {
        if (response.outOfMemory()) {
            return failed(
                    ErrorKind.INTERNAL,
                    "InternalError",
                    "the TypeScript compiler ran out of memory (its cap is "
                            + (TypeScriptTranspiler.MEMORY_CAP_BYTES >> 20) + " MiB)");
        }
        if (response.error() != null) {
            return failed(
                    ErrorKind.INTERNAL,
                    response.error().type(),
                    "the TypeScript compiler failed: " + response.error().message());
        }
        JsonNode out = response.value();
        JsonNode errors = out.path("errors");
        if (!errors.isEmpty()) {
            StringBuilder stack = new StringBuilder();
            for (JsonNode e : errors) {
                stack.append("SyntaxError: ")
                        .append(e.path("message").asText())
                        .append(" (TS")
                        .append(e.path("code").asInt())
                        .append(")\n");
                if (e.path("line").asInt(-1) > 0) {
                    stack.append("    at <input>:")
                            .append(e.path("line").asInt())
                            .append(':')
                            .append(e.path("column").asInt())
                            .append('\n');
                }
            }
            JsonNode first = errors.get(0);
            return new Result(
                    null,
                    null,
                    new GuestError(
                            ErrorKind.SYNTAX,
                            "SyntaxError",
                            first.path("message").asText(),
                            stack.toString(),
                            first.path("line").asInt(-1)));
        }
        JsonNode modules = out.path("moduleSyntax");
        if (!modules.isEmpty()) {
            int line = modules.get(0).path("line").asInt(-1);
            int column = modules.get(0).path("column").asInt(-1);
            String at = line > 0 ? "    at <input>:" + line + ":" + column + "\n" : "";
            return new Result(
                    null,
                    null,
                    new GuestError(
                            ErrorKind.SYNTAX,
                            "SyntaxError",
                            NO_MODULES,
                            "SyntaxError: " + NO_MODULES + "\n" + at,
                            line));
        }
        String mappings = out.path("mappings").asText("");
        return new Result(out.path("js").asText(), mappings.isEmpty() ? null : new SourceMapLines(mappings), null);
    }

    private TranspileResults() {}
}
