package io.wasmbox.jsr223;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.lang.model.SourceVersion;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;
import javax.script.SimpleBindings;

/**
 * A JSR-223 engine backed by one {@link Sandbox}, created on the first eval, so globals persist between
 * evals of the same engine.
 *
 * <ul>
 *   <li>The context's writer and error writer receive the guest's stdout and stderr as they are
 *       written; the context's reader is the guest's stdin, read only when and as far as the script
 *       reads it (so an interactive System.in works), up to the stdin limit.
 *   <li>Bindings, both ways: ENGINE_SCOPE entries with identifier names and JSON-mappable values become
 *       guest globals before an eval (each value again only when it changed on the Java side), and
 *       {@link #get(String)} reads a guest global back, JSON-mapped. A {@link HostFunction}, {@link
 *       Function}, {@link BiFunction} or {@link Supplier} in the bindings becomes a bound host function.
 *   <li>{@link Invocable}: guest functions called from Java, and Java interfaces implemented by guest
 *       functions of the same names (arguments and results JSON-mapped to the declared Java types).
 *   <li>{@link Compilable}: {@code compile} checks the syntax once; the compiled script's evals reuse
 *       the guest's compiled form.
 *   <li>Options come from the attributes {@code wasmbox.memory}, {@code wasmbox.timeout}, {@code
 *       wasmbox.maxOutput}, {@code wasmbox.maxCode}, {@code wasmbox.maxStdin}, {@code wasmbox.clock}
 *       ({@code realtime} or an ISO instant to freeze time at), {@code wasmbox.randomSeed} (engine or
 *       global scope), else the system properties of the same names, else the defaults; they are read
 *       when the sandbox is created at the first eval.
 *   <li>Every Wasmbox error becomes a {@link ScriptException} with the guest line number and the typed
 *       Wasmbox exception as its cause.
 * </ul>
 */
public class WasmboxScriptEngine extends AbstractScriptEngine implements Invocable, Compilable, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WasmboxScriptEngine.class.getName());
    public static final String CLOCK_ATTRIBUTE = "wasmbox.clock";
    public static final String RANDOM_SEED_ATTRIBUTE = "wasmbox.randomSeed";

    private final WasmboxScriptEngineFactory factory;
    private Sandbox sandbox;
    /** What each binding was when last sent to the guest: unchanged bindings are not sent again. */
    private final Map<String, Object> sentBindings = new HashMap<>();

    protected WasmboxScriptEngine(WasmboxScriptEngineFactory factory) {
        this.factory = factory;
    }

    @Override
    public Object eval(Reader reader, ScriptContext context) throws ScriptException {
        try {
            return eval(readAll(reader), context);
        } catch (IOException e) {
            throw new ScriptException(e);
        }
    }

    @Override
    public Object eval(String script, ScriptContext context) throws ScriptException {
        String fileName = stringAttribute(context, ScriptEngine.FILENAME);
        return guarded(fileName, () -> {
            Sandbox box = sandbox(context);
            RunOptions options = runOptions(box, context, fileName);
            try {
                return box.run(script, options).valueOrThrow();
            } finally {
                flush(context.getWriter());
                flush(context.getErrorWriter());
            }
        });
    }

    /** The value of guest global {@code key} once the engine has run, else the binding's value. */
    @Override
    public Object get(String key) {
        Sandbox box = currentSandbox();
        if (box != null && SourceVersion.isIdentifier(key)) {
            try {
                Object value = box.getGlobal(key);
                if (value != null) return value;
            } catch (WasmboxException e) {
                LOG.log(Level.DEBUG, "reading guest global {0} failed: {1}", key, e.getMessage());
            }
        }
        return super.get(key);
    }

    // ---- Invocable ----------------------------------------------------------------------------

    @Override
    public Object invokeFunction(String name, Object... args) throws ScriptException, NoSuchMethodException {
        return invoke(Objects.requireNonNull(name, "name"), args);
    }

    /**
     * Calls method {@code name} of a guest object. The guest object is named by its global: {@code thiz}
     * must be a String such as {@code "calculator"} (guest objects do not cross into Java as live references).
     */
    @Override
    public Object invokeMethod(Object thiz, String name, Object... args) throws ScriptException, NoSuchMethodException {
        return invoke(objectPath(thiz) + "." + Objects.requireNonNull(name, "name"), args);
    }

    @Override
    public <T> T getInterface(Class<T> type) {
        return proxy(null, type);
    }

    /** An interface implemented by the methods of the guest object named by {@code thiz} (a String). */
    @Override
    public <T> T getInterface(Object thiz, Class<T> type) {
        return proxy(objectPath(thiz), type);
    }

    private Object invoke(String path, Object[] args) throws ScriptException, NoSuchMethodException {
        Sandbox box = sandbox(context);
        Object[] arguments = args == null ? new Object[0] : args;
        ExecutionResult result = guardedResult(() -> box.invoke(path, arguments));
        if (result.error() != null && !box.isClosed() && !box.hasFunction(path)) {
            throw new NoSuchMethodException("no guest function '" + path + "'");
        }
        return guarded(null, result::valueOrThrow);
    }

    /** The guest's implementation of {@code type}, or null (as JSR-223 asks) when it is incomplete. */
    private <T> T proxy(String objectPath, Class<T> type) {
        if (type == null || !type.isInterface()) throw new IllegalArgumentException("not an interface: " + type);
        Sandbox box = sandbox(context);
        return box.missingFunctions(objectPath, type).isEmpty() ? box.asInterface(objectPath, type) : null;
    }

    private static String objectPath(Object thiz) {
        if (thiz instanceof String name && !name.isBlank()) return name;
        throw new IllegalArgumentException(
                "pass the name of a guest global object (a String), not " + (thiz == null ? "null" : thiz.getClass().getName()));
    }

    // ---- Compilable ---------------------------------------------------------------------------

    @Override
    public CompiledScript compile(String script) throws ScriptException {
        String fileName = stringAttribute(context, ScriptEngine.FILENAME);
        GuestError error = guarded(fileName, () -> sandbox(context).check(script));
        if (error != null) {
            throw new ScriptException(error.summary(), fileName, error.line());
        }
        return new CompiledScript() {
            @Override
            public Object eval(ScriptContext context) throws ScriptException {
                return WasmboxScriptEngine.this.eval(script, context);
            }

            @Override
            public ScriptEngine getEngine() {
                return WasmboxScriptEngine.this;
            }
        };
    }

    @Override
    public CompiledScript compile(Reader script) throws ScriptException {
        try {
            return compile(readAll(script));
        } catch (IOException e) {
            throw new ScriptException(e);
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** The engine's sandbox, created with the context's options on first use. */
    protected synchronized Sandbox sandbox(ScriptContext context) {
        if (sandbox == null || sandbox.isClosed()) {
            sandbox = Wasmbox.interpreter(factory.languageInfo().id()).newSandbox(sandboxOptions(context));
            sentBindings.clear();
        }
        return sandbox;
    }

    private synchronized Sandbox currentSandbox() {
        return sandbox == null || sandbox.isClosed() ? null : sandbox;
    }

    private static SandboxOptions sandboxOptions(ScriptContext context) {
        Function<String, Object> lookup = name -> {
            Object v = context.getAttribute(name);
            return v != null ? v : System.getProperty(name);
        };
        SandboxOptions.Builder options = SandboxOptions.builder()
                .limits(Limits.fromProperties(lookup, Limits.defaults()));
        Object clock = lookup.apply(CLOCK_ATTRIBUTE);
        if (clock instanceof Instant instant) options.frozenAt(instant);
        else if (clock != null && "realtime".equalsIgnoreCase(clock.toString().trim())) options.realtime();
        else if (clock != null) options.frozenAt(Instant.parse(clock.toString().trim()));
        Object seed = lookup.apply(RANDOM_SEED_ATTRIBUTE);
        if (seed != null) options.randomSeed(Long.parseLong(seed.toString().trim()));
        return options.build();
    }

    private RunOptions runOptions(Sandbox box, ScriptContext context, String fileName) {
        RunOptions.Builder options = RunOptions.builder()
                .fileName(fileName)
                .globals(changedBindings(box, context.getBindings(ScriptContext.ENGINE_SCOPE)))
                .outputListener(new WriterListener(context.getWriter(), context.getErrorWriter()));
        Object argv = context.getAttribute(ScriptEngine.ARGV);
        if (argv instanceof String[] array) options.args(Arrays.asList(array));
        else if (argv instanceof List<?> list) options.args(list.stream().map(String::valueOf).toList());
        Reader reader = context.getReader();
        if (reader != null) options.stdin(new ReaderInputStream(reader));
        return options.build();
    }

    /**
     * ENGINE_SCOPE entries that must reach the guest: functions are bound, JSON-mappable values become
     * globals when they changed since they were last sent (so a guest's own update is not overwritten).
     */
    private Map<String, Object> changedBindings(Sandbox box, Bindings bindings) {
        Map<String, Object> globals = new LinkedHashMap<>();
        if (bindings == null) return globals;
        synchronized (this) {
            bindings.forEach((name, value) -> {
                if (!SourceVersion.isIdentifier(name) || name.startsWith("javax")) return;
                HostFunction fn = asHostFunction(value);
                if (fn != null) {
                    if (sentBindings.get(name) != value) box.bind(name, fn);
                    sentBindings.put(name, value);
                    return;
                }
                if (sentBindings.containsKey(name) && Objects.equals(sentBindings.get(name), value)) return;
                try {
                    Json.toTree(value);
                    globals.put(name, value);
                    sentBindings.put(name, value);
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.DEBUG, "binding {0} is not JSON-mappable; not visible to the guest", name);
                }
            });
        }
        return globals;
    }

    /** Java callables placed in bindings, as host functions; null for anything else. */
    @SuppressWarnings("unchecked")
    private static HostFunction asHostFunction(Object value) {
        if (value instanceof HostFunction fn) return fn;
        if (value instanceof BiFunction<?, ?, ?> fn) {
            BiFunction<Object, Object, Object> f = (BiFunction<Object, Object, Object>) fn;
            return HostFunction.of(args -> f.apply(arg(args, 0), arg(args, 1)));
        }
        if (value instanceof Function<?, ?> fn) {
            Function<Object, Object> f = (Function<Object, Object>) fn;
            return HostFunction.of(args -> f.apply(args.size() == 1 ? args.getFirst() : arg(args, 0)));
        }
        if (value instanceof Supplier<?> fn) return HostFunction.of(args -> fn.get());
        return null;
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
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
        sentBindings.clear();
    }

    private interface Action<T> {
        T run();
    }

    /** Runs an action, turning Wasmbox and argument errors into ScriptExceptions with line numbers. */
    private static <T> T guarded(String fileName, Action<T> action) throws ScriptException {
        try {
            return action.run();
        } catch (WasmboxException e) {
            ScriptException se = new ScriptException(e.getMessage(), fileName, e.lineNumber());
            se.initCause(e);
            throw se;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            ScriptException se = new ScriptException(e.getMessage());
            se.initCause(e);
            throw se;
        }
    }

    private static ExecutionResult guardedResult(Action<ExecutionResult> action) throws ScriptException {
        return guarded(null, action);
    }

    private static String stringAttribute(ScriptContext context, String name) {
        Object value = context.getAttribute(name);
        return value == null ? null : value.toString();
    }

    private static String readAll(Reader reader) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        reader.transferTo(text);
        return text.toString();
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
