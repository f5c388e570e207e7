package io.wasmbox.jsr223;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.WasmboxException;
import io.wasmbox.spi.Json;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;

/**
 * A JSR-223 engine where every ENGINE_SCOPE {@link Bindings} is its own global scope, backed by its own
 * {@link Sandbox}, as Nashorn does.
 *
 * <ul>
 *   <li>{@link #createBindings()} returns live {@link WasmboxBindings}: their entries are the guest's
 *       globals, their sandbox is made on first use (from a pool of ready sandboxes filled in the
 *       background) and closed once they are unreachable. The engine's default context has such
 *       Bindings, so {@code put}, {@code eval} and {@code get} on the engine share one scope, as before.
 *   <li>A {@code Bindings} the client made itself (a {@code SimpleBindings}...) gets a sandbox attached on
 *       first use (kept in the map under {@code wasmbox.global.<language>}, as Nashorn keeps {@code
 *       nashorn.global}): before each eval its data entries are sent as guest globals when they changed
 *       and its functions bound; what the guest defines stays in that sandbox.
 *   <li>GLOBAL_SCOPE data entries are read-only fallbacks: a guest name with no global of its own reads
 *       them; an assignment makes the guest's own global, which never reaches Java or another scope.
 *   <li>Evals with different Bindings run in parallel; evals with the same Bindings are serialised. A
 *       {@link CompiledScript} runs on any thread with any Bindings.
 *   <li>Limits: the attributes {@code wasmbox.memory}, {@code wasmbox.timeout}, {@code wasmbox.maxOutput},
 *       {@code wasmbox.maxCode}, {@code wasmbox.maxStdin} of the context that first uses a Bindings set
 *       its sandbox's limits, but only below the operator's ceiling ({@link
 *       WasmboxScriptEngineFactory#limitCeiling()}); a larger value is capped. A sandbox that replaces a
 *       crashed or timed-out one keeps its Bindings' limits. {@code wasmbox.clock} ({@code realtime} or an
 *       ISO instant) and {@code wasmbox.randomSeed} are read the same way.
 *   <li>The context's writer and error writer receive the guest's stdout and stderr live; its reader is
 *       the guest's stdin, read only as far as the script reads.
 *   <li>{@link Invocable} and {@link Compilable} work on the default context's scope.
 *   <li>Every Wasmbox error becomes a {@link ScriptException} with the guest line number and the typed
 *       Wasmbox exception as its cause.
 * </ul>
 */
public class WasmboxScriptEngine extends AbstractScriptEngine implements Invocable, Compilable, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WasmboxScriptEngine.class.getName());
    /** Script-context attribute: {@code realtime} or an ISO instant the guest's clock is frozen at. */
    public static final String CLOCK_ATTRIBUTE = "wasmbox.clock";
    /** Script-context attribute: the seed of the guest's random sources. */
    public static final String RANDOM_SEED_ATTRIBUTE = "wasmbox.randomSeed";
    /** Key under which a client-made Bindings keeps its attached scope (followed by the language id). */
    public static final String GLOBAL_KEY_PREFIX = "wasmbox.global.";

    private final WasmboxScriptEngineFactory factory;

    /**
     * An engine of the factory's language, with a default context whose ENGINE_SCOPE is live Bindings.
     *
     * @param factory the language's factory
     */
    protected WasmboxScriptEngine(WasmboxScriptEngineFactory factory) {
        this.factory = factory;
        context.setBindings(new WasmboxBindings(factory), ScriptContext.ENGINE_SCOPE);
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
        Objects.requireNonNull(script, "script");
        String fileName = stringAttribute(context, ScriptEngine.FILENAME);
        Bindings bindings = context.getBindings(ScriptContext.ENGINE_SCOPE);
        if (bindings == null) bindings = createBindings();
        Bindings engineScope = bindings;
        WasmboxBindings holder = holderOf(engineScope, true);
        GuestScope scope = holder.scope;
        try {
            return eval(script, context, fileName, engineScope, scope);
        } finally {
            java.lang.ref.Reference.reachabilityFence(holder); // its Cleaner must not close the sandbox mid-eval
        }
    }

    private Object eval(String script, ScriptContext context, String fileName, Bindings engineScope, GuestScope scope)
            throws ScriptException {
        return guarded(
                fileName,
                () -> scope.use(context, box -> {
                    Pending pending = pending(scope, box, engineScope, context.getBindings(ScriptContext.GLOBAL_SCOPE));
                    RunOptions options = runOptions(context, fileName, pending);
                    try {
                        ExecutionResult result = box.run(script, options);
                        pending.markSent(scope);
                        return result.valueOrThrow();
                    } finally {
                        flush(context.getWriter());
                        flush(context.getErrorWriter());
                    }
                }));
    }

    /** The value of {@code key} in the default context's ENGINE_SCOPE: a guest global once the scope has run. */
    @Override
    public Object get(String key) {
        Bindings bindings = getBindings(ScriptContext.ENGINE_SCOPE);
        if (bindings == null || bindings instanceof WasmboxBindings) return super.get(key);
        GuestScope scope = scopeOf(bindings, false);
        if (scope != null && scope.current() != null && GuestScope.isGuestName(key) && !scope.calledBackHere()) {
            try {
                Object value = scope.use(context, box -> box.getGlobal(key));
                if (value != null) return value;
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "reading guest global {0} failed: {1}", key, e.getMessage());
            }
        }
        return super.get(key);
    }

    // ---- scopes -------------------------------------------------------------------------------

    /**
     * The live Bindings holding the global scope of an ENGINE_SCOPE Bindings: themselves for {@link
     * WasmboxBindings} of this language, else the ones attached to the map (attached now when {@code
     * attach}; a map that refuses the entry, such as an immutable one, gets a scope for this eval only).
     * Callers keep the result reachable while they use its scope: its Cleaner closes the sandbox.
     */
    private WasmboxBindings holderOf(Bindings bindings, boolean attach) {
        if (bindings instanceof WasmboxBindings own
                && own.scope.factory.languageInfo().id().equals(language())) {
            return own;
        }
        String key = GLOBAL_KEY_PREFIX + language();
        synchronized (bindings) {
            if (bindings.get(key) instanceof WasmboxBindings attached
                    && attached.scope.factory.languageInfo().id().equals(language())) {
                return attached;
            }
            if (!attach) return null;
            WasmboxBindings attached = new WasmboxBindings(factory);
            attached.scope.functionSource(bindings);
            try {
                bindings.put(key, attached);
            } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                LOG.log(Level.DEBUG, "Bindings refuse {0}: a sandbox for this eval only", key);
            }
            return attached;
        }
    }

    private GuestScope scopeOf(Bindings bindings, boolean attach) {
        WasmboxBindings holder = holderOf(bindings, attach);
        return holder == null ? null : holder.scope;
    }

    private String language() {
        return factory.languageInfo().id();
    }

    /** What must reach the guest before the next guest work of a scope. */
    static final class Pending {
        final Map<String, Object> globals = new LinkedHashMap<>();
        final Map<String, JsonNode> sentJson = new HashMap<>();
        final List<String> deletes = new ArrayList<>();
        final Map<String, JsonNode> clientSent = new HashMap<>();
        Map<String, JsonNode> fallbacks;
        final StringBuilder prelude = new StringBuilder();

        boolean isEmpty() {
            return globals.isEmpty() && prelude.isEmpty();
        }

        void markSent(GuestScope scope) {
            synchronized (scope) {
                sentJson.forEach((name, json) -> {
                    if (scope.javaJson.get(name) == json) scope.dirty.remove(name);
                });
                deletes.forEach(scope.deleted::remove);
                scope.sentFromClient.putAll(clientSent);
                if (fallbacks != null) {
                    scope.fallbacksSent.clear();
                    scope.fallbacksSent.putAll(fallbacks);
                }
            }
        }
    }

    /** Sends a scope's pending Java entries to its sandbox now (before reading guest globals). */
    static void flushPending(GuestScope scope, Sandbox box) {
        Pending pending = pending(scope, box, null, null);
        if (pending.isEmpty()) return;
        box.run(
                        "0",
                        RunOptions.builder()
                                .globals(pending.globals)
                                .prelude(pending.prelude.toString())
                                .build())
                .valueOrThrow();
        pending.markSent(scope);
    }

    private static Pending pending(GuestScope scope, Sandbox box, Bindings engineScope, Bindings globalScope) {
        Pending p = new Pending();
        WasmboxScriptEngineFactory factory = scope.factory;
        synchronized (scope) {
            for (String name : scope.dirty) {
                JsonNode json = scope.javaJson.get(name);
                p.globals.put(name, json);
                p.sentJson.put(name, json);
            }
            p.deletes.addAll(scope.deleted);
        }
        if (engineScope != null && !(engineScope instanceof WasmboxBindings own && own.scope == scope)) {
            // a client-made map: send what changed, bind its functions
            for (Map.Entry<String, Object> e :
                    new ArrayList<>(snapshot(engineScope).entrySet())) {
                String name = e.getKey();
                if (!GuestScope.isGuestName(name)) continue;
                Object value = e.getValue();
                if (GuestScope.asHostFunction(value) != null) {
                    scope.bindIfFunction(box, name, value);
                    continue;
                }
                JsonNode json = GuestData.toGuest(value);
                if (json == null) continue; // not data: the guest never sees it
                JsonNode last;
                synchronized (scope) {
                    last = scope.sentFromClient.get(name);
                }
                if (!json.equals(last)) {
                    p.globals.put(name, json);
                    p.clientSent.put(name, json);
                }
            }
        }
        if (!p.deletes.isEmpty()) p.prelude.append(factory.deleteGlobalsCode(p.deletes));
        if (engineScope == null) return p; // a flush before reading: fallbacks stay as they are
        Map<String, JsonNode> fallbacks = new LinkedHashMap<>();
        if (globalScope != null && globalScope != engineScope) {
            Map<String, Object> entries =
                    globalScope instanceof WasmboxBindings wb ? wb.javaData() : snapshot(globalScope);
            entries.forEach((name, value) -> {
                if (!GuestScope.isGuestName(name) || GuestScope.asHostFunction(value) != null) return;
                JsonNode json = GuestData.toGuest(value);
                if (json != null) fallbacks.put(name, json);
            });
        }
        Map<String, JsonNode> changed = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        synchronized (scope) {
            fallbacks.forEach((name, json) -> {
                if (!json.equals(scope.fallbacksSent.get(name))) changed.put(name, json);
            });
            for (String name : scope.fallbacksSent.keySet()) if (!fallbacks.containsKey(name)) removed.add(name);
        }
        if (!changed.isEmpty() || !removed.isEmpty()) {
            p.prelude.append(factory.fallbacksCode(Json.write(changed), removed));
            p.fallbacks = fallbacks;
        }
        return p;
    }

    private static Map<String, Object> snapshot(Bindings bindings) {
        synchronized (bindings) {
            return new LinkedHashMap<>(bindings);
        }
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
        Object[] arguments = args == null ? new Object[0] : args;
        ScriptContext ctx = context;
        Object[] outcome = guarded(
                null,
                () -> withDefaultScope(ctx, box -> {
                    ExecutionResult result = box.invoke(path, arguments);
                    boolean missing = result.error() != null && !box.isClosed() && !box.hasFunction(path);
                    return new Object[] {result, missing};
                }));
        if ((Boolean) outcome[1]) throw new NoSuchMethodException("no guest function '" + path + "'");
        return guarded(null, ((ExecutionResult) outcome[0])::valueOrThrow);
    }

    /** Guest work on the default context's scope, its pending entries sent first. */
    private <T> T withDefaultScope(ScriptContext ctx, GuestScope.Work<T> work) {
        Bindings bindings = ctx.getBindings(ScriptContext.ENGINE_SCOPE);
        if (bindings == null) throw new IllegalStateException("the engine's context has no ENGINE_SCOPE Bindings");
        WasmboxBindings holder = holderOf(bindings, true);
        GuestScope scope = holder.scope;
        try {
            return scope.use(ctx, box -> {
                Pending pending = pending(scope, box, bindings, ctx.getBindings(ScriptContext.GLOBAL_SCOPE));
                if (!pending.isEmpty()) {
                    box.run(
                                    "0",
                                    RunOptions.builder()
                                            .globals(pending.globals)
                                            .prelude(pending.prelude.toString())
                                            .build())
                            .valueOrThrow();
                    pending.markSent(scope);
                }
                return work.run(box);
            });
        } finally {
            java.lang.ref.Reference.reachabilityFence(holder);
        }
    }

    /** The guest's implementation of {@code type}, or null (as JSR-223 asks) when it is incomplete. */
    private <T> T proxy(String objectPath, Class<T> type) {
        if (type == null || !type.isInterface()) throw new IllegalArgumentException("not an interface: " + type);
        try {
            return guarded(
                    null,
                    () -> withDefaultScope(
                            context,
                            box -> box.missingFunctions(objectPath, type).isEmpty()
                                    ? box.asInterface(objectPath, type)
                                    : null));
        } catch (ScriptException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String objectPath(Object thiz) {
        if (thiz instanceof String name && !name.isBlank()) return name;
        throw new IllegalArgumentException("pass the name of a guest global object (a String), not "
                + (thiz == null ? "null" : thiz.getClass().getName()));
    }

    // ---- Compilable ---------------------------------------------------------------------------

    @Override
    public CompiledScript compile(String script) throws ScriptException {
        String fileName = stringAttribute(context, ScriptEngine.FILENAME);
        GuestError error = guarded(fileName, () -> withDefaultScope(context, box -> box.check(script)));
        if (error != null) {
            throw new ScriptException(error.summary(), fileName, error.line());
        }
        return new CompiledScript() {
            @Override
            public Object eval(ScriptContext context) throws ScriptException {
                // any thread, any Bindings: it runs in the sandbox the context's Bindings own
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

    private RunOptions runOptions(ScriptContext context, String fileName, Pending pending) {
        RunOptions.Builder options = RunOptions.builder()
                .fileName(fileName)
                .globals(pending.globals)
                .prelude(pending.prelude.toString())
                .outputListener(new WriterListener(context.getWriter(), context.getErrorWriter()));
        Object argv = context.getAttribute(ScriptEngine.ARGV);
        if (argv instanceof String[] array) options.args(Arrays.asList(array));
        else if (argv instanceof List<?> list)
            options.args(list.stream().map(String::valueOf).toList());
        Reader reader = context.getReader();
        if (reader != null) options.stdin(new ReaderInputStream(reader));
        return options.build();
    }

    /** New live Bindings: a global scope of their own, with a sandbox attached on first use. */
    @Override
    public Bindings createBindings() {
        return new WasmboxBindings(factory);
    }

    @Override
    public ScriptEngineFactory getFactory() {
        return factory;
    }

    /**
     * Frees the sandbox of the default context's Bindings; a later eval makes a new one (with the Java
     * entries and fresh guest globals). Other Bindings keep theirs (closed when unreachable).
     */
    @Override
    public void close() {
        Bindings bindings = getBindings(ScriptContext.ENGINE_SCOPE);
        if (bindings == null) return;
        GuestScope scope = scopeOf(bindings, false);
        if (scope != null) scope.close();
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

    private static String stringAttribute(ScriptContext context, String name) {
        Object value = context.getAttribute(name);
        return value == null ? null : value.toString();
    }

    private static String readAll(Reader reader) throws IOException {
        StringWriter text = new StringWriter();
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
