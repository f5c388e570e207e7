package io.wasmbox.jsr223;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.SourceVersion;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;
import javax.script.SimpleBindings;

/**
 * A JSR-223 engine backed by one {@link Sandbox}, created on the first eval, so globals persist
 * between evals of the same engine.
 *
 * <ul>
 *   <li>The context's writer and error writer receive the guest's stdout and stderr as they are
 *       written; the context's reader is the guest's stdin, read only when and as far as the script
 *       reads it (so an interactive System.in works), up to the stdin limit.
 *   <li>ENGINE_SCOPE bindings whose names are identifiers and whose values map to JSON become guest
 *       globals before each eval.
 *   <li>Limits come from the attributes {@code wasmbox.memory}, {@code wasmbox.timeout}, {@code
 *       wasmbox.maxOutput}, {@code wasmbox.maxCode}, {@code wasmbox.maxStdin} (engine or global scope),
 *       else the system properties of the same names, else the defaults; they are read when the
 *       sandbox is created at the first eval.
 *   <li>Every Wasmbox error becomes a {@link ScriptException} with the guest line number and the typed
 *       Wasmbox exception as its cause.
 * </ul>
 */
public class WasmboxScriptEngine extends AbstractScriptEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WasmboxScriptEngine.class.getName());

    private final WasmboxScriptEngineFactory factory;
    private Sandbox sandbox;

    protected WasmboxScriptEngine(WasmboxScriptEngineFactory factory) {
        this.factory = factory;
    }

    @Override
    public Object eval(Reader reader, ScriptContext context) throws ScriptException {
        try {
            return eval(readAll(reader, Long.MAX_VALUE), context);
        } catch (IOException e) {
            throw new ScriptException(e);
        }
    }

    @Override
    public Object eval(String script, ScriptContext context) throws ScriptException {
        String fileName = stringAttribute(context, ScriptEngine.FILENAME);
        try {
            Sandbox box = sandbox(context);
            RunOptions options = runOptions(context, fileName);
            ExecutionResult result;
            try {
                result = box.run(script, options);
            } finally {
                flush(context.getWriter());
                flush(context.getErrorWriter());
            }
            return result.valueOrThrow();
        } catch (WasmboxException e) {
            ScriptException se = new ScriptException(e.getMessage(), fileName, e.lineNumber());
            se.initCause(e);
            throw se;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            ScriptException se = new ScriptException(e.getMessage());
            se.initCause(e);
            throw se;
        }
    }

    /** The engine's sandbox, created with the context's limits on first use. */
    protected synchronized Sandbox sandbox(ScriptContext context) {
        if (sandbox == null || sandbox.isClosed()) {
            Limits limits = Limits.fromProperties(context::getAttribute, Limits.fromSystemProperties());
            sandbox = Wasmbox.interpreter(factory.languageInfo().id()).newSandbox(limits);
        }
        return sandbox;
    }

    private RunOptions runOptions(ScriptContext context, String fileName) {
        RunOptions.Builder options = RunOptions.builder()
                .fileName(fileName)
                .globals(globals(context.getBindings(ScriptContext.ENGINE_SCOPE)))
                .outputListener(new WriterListener(context.getWriter(), context.getErrorWriter()));
        Object argv = context.getAttribute(ScriptEngine.ARGV);
        if (argv instanceof String[] array) options.args(Arrays.asList(array));
        else if (argv instanceof List<?> list) options.args(list.stream().map(String::valueOf).toList());
        Reader reader = context.getReader();
        if (reader != null) options.stdin(new ReaderInputStream(reader));
        return options.build();
    }

    /** ENGINE_SCOPE entries that can become guest globals: identifier names with JSON-mappable values. */
    private static Map<String, Object> globals(Bindings bindings) {
        Map<String, Object> globals = new LinkedHashMap<>();
        if (bindings == null) return globals;
        bindings.forEach((name, value) -> {
            if (!SourceVersion.isIdentifier(name) || name.startsWith("javax")) return;
            try {
                Json.toTree(value);
                globals.put(name, value);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.DEBUG, "binding {0} is not JSON-mappable; not visible to the guest", name);
            }
        });
        return globals;
    }

    @Override
    public Bindings createBindings() {
        return new SimpleBindings();
    }

    @Override
    public ScriptEngineFactory getFactory() {
        return factory;
    }

    /** Frees the engine's sandbox; a later eval creates a new one (with fresh globals). */
    @Override
    public synchronized void close() {
        if (sandbox != null) sandbox.close();
        sandbox = null;
    }

    private static String stringAttribute(ScriptContext context, String name) {
        Object value = context.getAttribute(name);
        return value == null ? null : value.toString();
    }

    private static String readAll(Reader reader, long max) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        int n;
        while ((n = reader.read(buf)) > 0 && sb.length() <= max) sb.append(buf, 0, n);
        return sb.toString();
    }

    private static void flush(Writer writer) {
        try {
            if (writer != null) writer.flush();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "flushing a script context writer failed", e);
        }
    }

    /** Streams guest output to the context's writers as it is produced. */
    private record WriterListener(Writer out, Writer err) implements OutputListener {
        @Override
        public void stdout(String text) {
            write(out, text);
        }

        @Override
        public void stderr(String text) {
            write(err, text);
        }

        private static void write(Writer writer, String text) {
            if (writer == null) return;
            try {
                writer.write(text);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "writing guest output to the script context failed", e);
            }
        }
    }
}
