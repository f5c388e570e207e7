package io.wasmbox.benchmarks;

import io.wasmbox.jsr223.WasmboxScriptEngineFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMeter JSR223 pattern through javax.script only: one engine, a script compiled once, evaluated by
 * 8 threads, each eval with fresh {@code createBindings()} holding the thread's own {@code label} and
 * {@code n}; the script returns {@code label + ':' + (n * 2)}. Every answer is checked: a wrong one (another
 * thread's) fails the run, and the {@code wrong} counter is reported (it must stay 0).
 *
 * <p>Steady state: the interpreters' eval loops need tens of seconds of C2 (docs/BENCHMARKS.md), hence
 * the long warm-up. {@code java -jar benchmarks/target/benchmarks.jar Jsr223Benchmarks}.
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xss16m",
            "-Xmx2g",
            SandboxBenchmarks.JIT_FLAG_1,
            SandboxBenchmarks.JIT_FLAG_2,
            SandboxBenchmarks.JIT_FLAG_3
        })
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 5, time = 10)
public class Jsr223Benchmarks {
    @Param({"javascript", "python"})
    public String language;

    ScriptEngine engine;
    CompiledScript script;
    final AtomicInteger threadIds = new AtomicInteger();
    static final AtomicLong WRONG = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws ScriptException {
        System.setProperty("wasmbox.jitWarning", "false");
        engine = wasmboxEngine(language);
        String source = language.equals("python") ? "label + ':' + str(n * 2)" : "label + ':' + (n * 2)";
        script = ((Compilable) engine).compile(source);
    }

    /**
     * Wasmbox's engine for the language, by its factory: GraalJS (a peer elsewhere in these benchmarks) is on
     * the class path too and may answer {@code getEngineByName("javascript")} first.
     */
    static ScriptEngine wasmboxEngine(String language) {
        for (ScriptEngineFactory f : new ScriptEngineManager().getEngineFactories()) {
            if (f instanceof WasmboxScriptEngineFactory && f.getNames().contains(language)) return f.getScriptEngine();
        }
        throw new IllegalStateException("no Wasmbox script engine for " + language);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (WRONG.get() != 0) throw new IllegalStateException(WRONG.get() + " wrong answers");
    }

    @State(Scope.Thread)
    public static class PerThread {
        String label;
        long n;

        @Setup(Level.Trial)
        public void setUp(Jsr223Benchmarks shared) {
            label = "thread-" + shared.threadIds.incrementAndGet();
        }
    }

    /** JMH's per-iteration counter of wrong answers (reported next to the score; must be 0). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Answers {
        public long wrong;
    }

    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object freshBindingsCompiledScript8Threads(PerThread thread, Answers answers) throws ScriptException {
        long n = ++thread.n;
        Bindings bindings = engine.createBindings();
        bindings.put("label", thread.label);
        bindings.put("n", n);
        Object result = script.eval(bindings);
        if (!(thread.label + ":" + (n * 2)).equals(result)) {
            answers.wrong++;
            WRONG.incrementAndGet();
        }
        return result;
    }
}
