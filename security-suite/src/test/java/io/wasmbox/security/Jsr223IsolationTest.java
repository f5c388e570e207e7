package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import java.io.File;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSR-223 family: what one tenant's Bindings can do to another's through one shared engine, what a
 * script can do to its own limits, what Java objects put into Bindings become in the guest, and
 * throwing and re-entrant Java functions.
 */
class Jsr223IsolationTest {
    private static final String SECRET = "alice-token-3f9c2e";

    private static ScriptEngine engine(String language) {
        return new ScriptEngineManager().getEngineByName(language);
    }

    private static boolean python(String language) {
        return language.equals(Languages.PYTHON);
    }

    /** Everything a guest can reach of its own world, as text. */
    private static String everythingVisible(String language) {
        return python(language)
                ? "import gc, sys\n"
                        + "seen = [repr(o)[:200] for o in gc.get_objects() if isinstance(o, (str, dict, list))]\n"
                        + "seen += [repr(vars(m))[:2000] for m in list(sys.modules.values())]\n"
                        + "'\\n'.join(seen)"
                : "(() => { const out = []; const seen = new Set();\n"
                        + "  const walk = (o, d) => { if (o === null || d > 3 || seen.has(o)) return; seen.add(o);\n"
                        + "    for (const k of Object.getOwnPropertyNames(o)) { let v; try { v = o[k]; } catch (e) { continue; }\n"
                        + "      out.push(k + '=' + String(typeof v === 'string' ? v : typeof v));\n"
                        + "      if (typeof v === 'object' || typeof v === 'function') walk(v, d + 1); } };\n"
                        + "  walk(globalThis, 0); return out.join('\\n'); })()";
    }

    @ParameterizedTest
    @ValueSource(strings = {Languages.PYTHON, Languages.JS})
    void aTenantCanNeitherReadNorWriteAnotherTenantsBindings(String language) throws Exception {
        ScriptEngine engine = engine(language);
        Bindings alice = engine.createBindings();
        alice.put("token", SECRET);
        engine.eval(python(language) ? "stash = token * 1" : "var stash = token + ''", alice);
        SimpleBindings carol = new SimpleBindings();
        carol.put("token", SECRET); // a client-made map is a scope of its own too
        engine.eval(python(language) ? "kept = token" : "var kept = token", carol);
        engine.put("token", SECRET); // and so is the engine's default context

        Bindings mallory = engine.createBindings();
        String seen = String.valueOf(engine.eval(everythingVisible(language), mallory));
        assertThat(seen).isNotEmpty().doesNotContain(SECRET);
        String seenFromMap = String.valueOf(engine.eval(everythingVisible(language), new SimpleBindings()));
        assertThat(seenFromMap).isNotEmpty().doesNotContain(SECRET);

        engine.eval(
                python(language)
                        ? "stash = 'mallory'\ntoken = 'mallory'"
                        : "var stash = 'mallory'; var token = 'mallory'",
                mallory);
        assertThat(engine.eval("stash", alice)).isEqualTo(SECRET);
        assertThat(engine.eval("token", alice)).isEqualTo(SECRET);
        assertThat(alice.get("token")).isEqualTo(SECRET);
        assertThat(engine.eval("kept", carol)).isEqualTo(SECRET);
        assertThat(engine.get("token")).isEqualTo(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {Languages.PYTHON, Languages.JS})
    void aScriptCannotRaiseItsOwnLimits(String language) throws Exception {
        ScriptEngine engine = engine(language);
        ((WasmboxScriptEngineFactory) engine.getFactory())
                .limitCeiling(Limits.builder().memoryMiB(64).timeoutMillis(2000).build());
        Bindings b = engine.createBindings();
        b.put("wasmbox.memory", "1g"); // above the ceiling: capped
        String raise = python(language)
                ? "globals()['wasmbox.memory'] = '4g'\nglobals()['wasmbox.timeout'] = '1h'\n"
                        + "import builtins\nsetattr(builtins, 'wasmbox.memory', '4g')\n'done'"
                : "globalThis['wasmbox.memory'] = '4g'; globalThis['wasmbox.timeout'] = '1h'; 'done'";
        assertThat(engine.eval(raise, b)).isEqualTo("done");
        assertThat(b.get("wasmbox.memory")).isEqualTo("1g"); // Java's entry, untouched by the guest
        assertThat(b.get("wasmbox.timeout")).isNull();
        String allocate = python(language)
                ? "x = bytearray(400 * 1024 * 1024)\nlen(x)"
                : "var x = new Uint8Array(400 * 1024 * 1024).fill(1); x.length";
        Throwable oom = catchThrowable(() -> engine.eval(allocate, b));
        assertThat(oom).isInstanceOf(ScriptException.class).hasCauseInstanceOf(MemoryLimitException.class);
        // the sandbox that replaces a crashed one has the same limits, whatever the script wrote
        Throwable again = catchThrowable(() -> engine.eval(raise + "\n" + allocate, b));
        assertThat(again).hasCauseInstanceOf(MemoryLimitException.class);
        Throwable slow =
                catchThrowable(() -> engine.eval(python(language) ? "while True:\n    pass" : "for (;;) {}", b));
        assertThat(slow).hasCauseInstanceOf(ExecutionTimeoutException.class);
        ((WasmboxScriptEngineFactory) engine.getFactory()).limitCeiling(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {Languages.PYTHON, Languages.JS})
    void javaObjectsPutIntoBindingsAreDataOrAbsentNeverCallable(String language) throws Exception {
        ScriptEngine engine = engine(language);
        for (Bindings b : List.of(engine.createBindings(), new SimpleBindings())) {
            b.put("file", new File("/etc/passwd"));
            b.put("runtime", Runtime.getRuntime());
            b.put("clazz", Class.class);
            b.put("loader", ClassLoader.getSystemClassLoader());
            b.put("files", List.of(new File("/etc/passwd"))); // a list holding an object: not data either
            String probe = python(language)
                    ? "[n for n in ('file', 'runtime', 'clazz', 'loader', 'files') if n in globals()]"
                    : "['file', 'runtime', 'clazz', 'loader', 'files'].filter(n => n in globalThis)";
            assertThat(engine.eval(probe, b)).as(b.getClass().getSimpleName()).isEqualTo(List.of());
            String call = python(language) ? "runtime.exec('id')" : "runtime.exec('id')";
            Throwable e = catchThrowable(() -> engine.eval(call, b));
            assertThat(e).isInstanceOf(ScriptException.class).hasMessageContaining("runtime");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Languages.PYTHON, Languages.JS})
    void throwingAndReentrantFunctionsNeitherHangNorLeak(String language) throws Exception {
        ScriptEngine engine = engine(language);
        ((WasmboxScriptEngineFactory) engine.getFactory())
                .limitCeiling(Limits.builder().timeoutMillis(1500).build());
        try {
            Bindings first = engine.createBindings();
            Bindings second = engine.createBindings();
            AtomicReference<Throwable> seenInJava = new AtomicReference<>();
            first.put("explode", (Supplier<Object>) () -> {
                throw new SecurityException("no " + SECRET.substring(0, 5));
            });
            // first -> second -> first: a cycle through two scopes ends by the timeout, not a hang
            first.put("toSecond", (Supplier<Object>) () -> call(engine, "toFirst()", second, seenInJava));
            second.put("toFirst", (Supplier<Object>) () -> call(engine, "1 + 1", first, seenInJava));
            String catchIt = python(language)
                    ? "try:\n    explode()\n    r = 'none'\nexcept HostFunctionError as e:\n    r = type(e).__name__ + ': ' + str(e)\nr"
                    : "(() => { try { explode(); return 'none'; } catch (e) { return e.name + ': ' + e.message; } })()";
            String caught = String.valueOf(engine.eval(catchIt, first));
            assertThat(caught).isEqualTo("HostFunctionError: no alice").doesNotContain("SecurityException", "java.");
            Throwable cycle = catchThrowable(() -> engine.eval("toSecond()", first));
            assertThat(cycle).isInstanceOf(ScriptException.class);
            // both scopes work afterwards
            assertThat(engine.eval("2 + 2", first)).isEqualTo(4L);
            assertThat(engine.eval("3 + 3", second)).isEqualTo(6L);
        } finally {
            ((WasmboxScriptEngineFactory) engine.getFactory()).limitCeiling(null);
        }
    }

    private static Object call(ScriptEngine engine, String script, Bindings bindings, AtomicReference<Throwable> seen) {
        try {
            return engine.eval(script, bindings);
        } catch (ScriptException e) {
            seen.set(e);
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
