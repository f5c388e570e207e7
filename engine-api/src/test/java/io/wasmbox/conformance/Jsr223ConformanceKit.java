package io.wasmbox.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.GuestException;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.Units;
import io.wasmbox.jsr223.WasmboxBindings;
import io.wasmbox.jsr223.WasmboxScriptEngine;
import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.script.SimpleBindings;
import org.junit.jupiter.api.Test;

/**
 * JSR-223 semantics every language must meet: a global scope per ENGINE_SCOPE Bindings, live Bindings,
 * GLOBAL_SCOPE fallbacks, concurrency, and limits per context under the operator's ceiling.
 */
public abstract class Jsr223ConformanceKit {
    protected final LanguageSnippets lang;
    private final ScriptEngineManager manager = new ScriptEngineManager();

    protected Jsr223ConformanceKit(LanguageSnippets lang) {
        this.lang = lang;
    }

    private ScriptEngine engine() {
        return manager.getEngineByName(lang.language());
    }

    @Test
    void eachCreatedBindingsIsItsOwnGlobalScope() throws Exception {
        ScriptEngine engine = engine();
        Bindings alice = engine.createBindings();
        Bindings bob = engine.createBindings();
        assertThat(alice).isInstanceOf(WasmboxBindings.class).isNotSameAs(bob);
        engine.eval(lang.defineGlobal("stash", 1234), alice);
        assertThat(engine.eval(lang.isGlobalDefined("stash"), bob)).isEqualTo(false);
        assertThat(engine.eval(lang.isGlobalDefined("stash"))).isEqualTo(false); // the default context
        assertThat(engine.eval(lang.readGlobal("stash"), alice)).isEqualTo(1234L);
        Throwable e = catchThrowable(() -> engine.eval(lang.readGlobal("stash"), engine.createBindings()));
        assertThat(e).isInstanceOf(ScriptException.class).hasCauseInstanceOf(GuestException.class);
    }

    @Test
    void aFreshBindingsTakesASandboxTheBackgroundPoolMadeReady() throws Exception {
        ScriptEngine engine = engine();
        engine.eval(lang.add(1, 1), engine.createBindings()); // the pool for these options exists now
        long[] before = WasmboxBindings.poolStatistics();
        // the background thread fills the pool; wait for it (a condition, not a time limit on the result)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long[] after = before;
        while (after[0] == before[0] && System.nanoTime() < deadline) {
            Thread.sleep(100);
            assertThat(engine.eval(lang.add(2, 3), engine.createBindings())).isEqualTo(5L);
            after = WasmboxBindings.poolStatistics();
        }
        assertThat(after[0]).as("sandboxes handed out ready by the pool").isGreaterThan(before[0]);
    }

    @Test
    void bindingsAreLiveGuestGlobals() throws Exception {
        ScriptEngine engine = engine();
        Bindings b = engine.createBindings();
        b.put("fromJava", 41);
        assertThat(b.get("fromJava")).isEqualTo(41); // not sent yet: the Java value
        assertThat(engine.eval(lang.add(1, 1), b)).isEqualTo(2L);
        assertThat(engine.eval(lang.readGlobal("fromJava"), b)).isEqualTo(41L);
        engine.eval(lang.defineGlobal("fromGuest", 7), b);
        assertThat(b.get("fromGuest")).isEqualTo(7L);
        assertThat(b.containsKey("fromGuest")).isTrue();
        assertThat(b.keySet()).contains("fromJava", "fromGuest");
        assertThat(b.remove("fromGuest")).isEqualTo(7L);
        assertThat(b.containsKey("fromGuest")).isFalse();
        assertThat(engine.eval(lang.isGlobalDefined("fromGuest"), b)).isEqualTo(false);
        b.put("fromJava", List.of(1, 2));
        assertThat(engine.eval(lang.readGlobal("fromJava"), b)).isEqualTo(List.of(1L, 2L));
        assertThat(b.keySet()).doesNotContain("fromGuest");
        b.clear();
        assertThat(b.isEmpty()).isTrue();
        assertThat(engine.eval(lang.isGlobalDefined("fromJava"), b)).isEqualTo(false);
    }

    @Test
    void theDefaultContextKeepsOneScopeAcrossEvals() throws Exception {
        ScriptEngine engine = engine();
        engine.put("hostValue", 41);
        assertThat(engine.eval(lang.readGlobal("hostValue"))).isEqualTo(41L);
        engine.eval(lang.defineGlobal("kept", 5));
        assertThat(engine.get("kept")).isEqualTo(5L);
        assertThat(engine.getBindings(ScriptContext.ENGINE_SCOPE).get("kept")).isEqualTo(5L);
        ((AutoCloseable) engine).close();
        // a new sandbox: Java's entries again, the guest's own globals gone
        assertThat(engine.eval(lang.readGlobal("hostValue"))).isEqualTo(41L);
        assertThat(engine.eval(lang.isGlobalDefined("kept"))).isEqualTo(false);
    }

    @Test
    void aClientMadeBindingsGetsItsOwnSandbox() throws Exception {
        ScriptEngine engine = engine();
        SimpleBindings mine = new SimpleBindings();
        mine.put("n", 3);
        assertThat(engine.eval(lang.readGlobal("n"), mine)).isEqualTo(3L);
        engine.eval(lang.defineGlobal("secret", 99), mine);
        assertThat(mine.get(WasmboxScriptEngine.GLOBAL_KEY_PREFIX + lang.language()))
                .isInstanceOf(WasmboxBindings.class);
        assertThat(engine.eval(lang.readGlobal("secret"), mine)).isEqualTo(99L);
        assertThat(engine.eval(lang.isGlobalDefined("secret"), new SimpleBindings()))
                .isEqualTo(false);
        assertThat(engine.eval(lang.isGlobalDefined("secret"))).isEqualTo(false);
        mine.put("n", 4); // changed on the Java side: sent again
        assertThat(engine.eval(lang.readGlobal("n"), mine)).isEqualTo(4L);
    }

    @Test
    void globalScopeEntriesAreReadOnlyFallbacks() throws Exception {
        ScriptEngine engine = engine();
        engine.getBindings(ScriptContext.GLOBAL_SCOPE).put("shared", 7);
        Bindings a = engine.createBindings();
        Bindings b = engine.createBindings();
        assertThat(engine.eval(lang.readGlobal("shared"), a)).isEqualTo(7L);
        engine.eval(lang.defineGlobal("shared", 9), a);
        assertThat(engine.eval(lang.readGlobal("shared"), a)).isEqualTo(9L);
        assertThat(engine.eval(lang.readGlobal("shared"), b)).isEqualTo(7L);
        assertThat(engine.getBindings(ScriptContext.GLOBAL_SCOPE).get("shared")).isEqualTo(7);
        b.put("shared", 1); // the engine scope wins over the fallback
        assertThat(engine.eval(lang.readGlobal("shared"), b)).isEqualTo(1L);
        Bindings c = engine.createBindings();
        engine.getBindings(ScriptContext.GLOBAL_SCOPE).put("shared", 8);
        assertThat(engine.eval(lang.readGlobal("shared"), c)).isEqualTo(8L);
        engine.getBindings(ScriptContext.GLOBAL_SCOPE).remove("shared");
        assertThat(engine.eval(lang.isGlobalDefined("shared"), c)).isEqualTo(false);
    }

    @Test
    void aCompiledScriptRunsOnEightThreadsWithFreshBindingsAndNeverAnswersForAnother() throws Exception {
        ScriptEngine engine = engine();
        CompiledScript script = ((Compilable) engine).compile(lang.readGlobal("n"));
        int threads = 8, evals = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit((Callable<Integer>) () -> {
                    start.await();
                    int wrong = 0;
                    for (int i = 0; i < evals; i++) {
                        Bindings fresh = engine.createBindings();
                        long n = id * 1000L + i;
                        fresh.put("n", n);
                        if (!Long.valueOf(n).equals(script.eval(fresh))) wrong++;
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<Integer> f : futures) assertThat(f.get()).isZero();
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.getFactory().getParameter("THREADING")).isEqualTo("MULTITHREADED");
    }

    @Test
    void evalsWithTheSameBindingsAreSerialised() throws Exception {
        ScriptEngine engine = engine();
        Bindings shared = engine.createBindings();
        engine.eval(lang.defineGlobal("count", 0), shared);
        String increment = lang.defineGlobal("count", 0).replace("= 0", "= count + 1");
        int threads = 4, evals = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < evals; i++) {
                        // a read and a write in two evals would race; one eval is atomic
                        engine.eval(increment, shared);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.get("count")).isEqualTo((long) threads * evals);
    }

    @Test
    void contextLimitsLowerTheOperatorCeilingButNeverRaiseIt() throws Exception {
        ScriptEngine engine = engine();
        ((WasmboxScriptEngineFactory) engine.getFactory())
                .limitCeiling(Limits.builder().memoryMiB(96).timeoutMillis(5000).build());
        try {
            Bindings greedy = engine.createBindings();
            greedy.put("wasmbox.memory", "1g");
            Throwable oom = catchThrowable(() -> engine.eval(lang.allocate(400 * Units.MIB), greedy));
            assertThat(oom).isInstanceOf(ScriptException.class).hasCauseInstanceOf(MemoryLimitException.class);

            Bindings hasty = engine.createBindings();
            hasty.put("wasmbox.timeout", "1500ms");
            hasty.put("wasmbox.memory", "40m");
            Throwable slow = catchThrowable(() -> engine.eval(lang.infiniteLoop(), hasty));
            assertThat(slow).hasCauseInstanceOf(ExecutionTimeoutException.class);
            // the sandbox that replaces the timed-out one keeps these Bindings' limits, not anyone else's
            Throwable again = catchThrowable(() -> engine.eval(lang.infiniteLoop(), hasty));
            assertThat(again).hasCauseInstanceOf(ExecutionTimeoutException.class);
            Throwable small = catchThrowable(() -> engine.eval(lang.allocate(48 * Units.MIB), hasty));
            assertThat(small).hasCauseInstanceOf(MemoryLimitException.class);
            // a neighbour under the ceiling can use what the ceiling allows
            assertThat(engine.eval(lang.allocate(48 * Units.MIB), engine.createBindings()))
                    .isEqualTo(1L);
        } finally {
            ((WasmboxScriptEngineFactory) engine.getFactory()).limitCeiling(null);
        }
    }

    @Test
    void aFunctionPutInOneBindingsIsNotCallableFromAnother() throws Exception {
        ScriptEngine engine = engine();
        Bindings owner = engine.createBindings();
        owner.put("secretFn", (Supplier<String>) () -> "owner's secret");
        assertThat(engine.eval(lang.callUncaught("secretFn"), owner)).isEqualTo("owner's secret");
        Throwable e = catchThrowable(() -> engine.eval(lang.callUncaught("secretFn"), engine.createBindings()));
        assertThat(e).isInstanceOf(ScriptException.class).hasCauseInstanceOf(GuestException.class);
        Throwable d = catchThrowable(() -> engine.eval(lang.callUncaught("secretFn")));
        assertThat(d).isInstanceOf(ScriptException.class).hasCauseInstanceOf(GuestException.class);
        owner.remove("secretFn");
        Throwable gone = catchThrowable(() -> engine.eval(lang.callUncaught("secretFn"), owner));
        assertThat(gone).isInstanceOf(ScriptException.class).hasCauseInstanceOf(GuestException.class);
    }

    @Test
    void javaObjectsReachTheGuestAsDataOrNotAtAll() throws Exception {
        ScriptEngine engine = engine();
        Bindings b = engine.createBindings();
        b.put("file", new File("/etc/passwd"));
        b.put("runtime", Runtime.getRuntime());
        b.put("clazz", Runtime.class);
        b.put("thread", Thread.currentThread());
        b.put("data", Map.of("k", List.of("v")));
        for (String name : List.of("file", "runtime", "clazz", "thread")) {
            assertThat(engine.eval(lang.isGlobalDefined(name), b)).as(name).isEqualTo(false);
        }
        assertThat(engine.eval(lang.readGlobal("data"), b)).isEqualTo(Map.of("k", List.of("v")));
        assertThat(b.get("runtime")).isSameAs(Runtime.getRuntime()); // still there for Java
    }

    @Test
    void throwingAndReentrantFunctionBindings() throws Exception {
        ScriptEngine engine = engine();
        Bindings b = engine.createBindings();
        Bindings other = engine.createBindings();
        other.put("x", 5);
        b.put("boom", (Supplier<Object>) () -> {
            throw new IllegalStateException("boom from Java");
        });
        b.put("sameScope", (Supplier<Object>) () -> {
            try {
                return engine.eval(lang.add(1, 1), b);
            } catch (ScriptException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        b.put("otherScope", (Supplier<Object>) () -> {
            try {
                return engine.eval(lang.readGlobal("x"), other);
            } catch (ScriptException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        b.put("readBack", (Function<Object, Object>) name -> b.get(String.valueOf(name)));
        b.put("y", 11);
        assertThat(engine.eval(lang.catchHostError("boom"), b)).isEqualTo("boom from Java");
        assertThat((String) engine.eval(lang.catchHostError("sameScope"), b)).contains("cannot run guest code");
        assertThat(engine.eval(lang.callUncaught("otherScope"), b)).isEqualTo(5L);
        assertThat(engine.eval(lang.callUncaught("readBack").replace("()", "('y')"), b))
                .isEqualTo(11L);
        assertThat(engine.eval(lang.add(2, 3), b)).isEqualTo(5L); // usable afterwards
    }
}
