package io.wasmbox.benchmarks;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fresh sandbox to first result, warm {@code 1+1}, and a CPU-bound 1e6-iteration loop, per language.
 * Subclasses fix the JVM flags: {@link DefaultJvmFlags} and {@link JitFlags}.
 */
@State(Scope.Benchmark)
public abstract class SandboxBenchmarks {
    /** The flags README.md asks users to add. */
    public static final String JIT_FLAG_1 = "-XX:-DontCompileHugeMethods";

    public static final String JIT_FLAG_2 = "-XX:MaxNodeLimit=240000";
    public static final String JIT_FLAG_3 = "-XX:NodeLimitFudgeFactor=8000";

    @Param({"python", "javascript"})
    public String language;

    private Interpreter interpreter;
    private Sandbox warm;
    private String loop;
    private String hostCalls;
    private static final int HOST_CALLS_PER_RUN = 100;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("wasmbox.jitWarning", "false");
        interpreter = Wasmbox.interpreter(language);
        warm = interpreter.newSandbox();
        loop = switch (interpreter.language()) {
            case "python" -> "s = 0\nfor i in range(1000000):\n    s += i\ns";
            default -> "let s = 0; for (let i = 0; i < 1e6; i++) { s += i } s";
        };
        check(warm.run(loop));
        warm.bind("noop", args -> args.isEmpty() ? null : args.getFirst());
        String define = switch (interpreter.language()) {
            case "python" ->
                "def add(a, b):\n    return a + b\n"
                        + "def call_host(n):\n    for i in range(n):\n        noop(i)\n    return n";
            default ->
                "function add(a, b) { return a + b }\n"
                        + "function call_host(n) { for (let i = 0; i < n; i++) noop(i); return n }";
        };
        check(warm.run(define));
        hostCalls = "call_host(" + HOST_CALLS_PER_RUN + ")";
    }

    /** One host-function round trip from the guest (guest -> JSON -> Java callback -> JSON -> guest). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @org.openjdk.jmh.annotations.OperationsPerInvocation(HOST_CALLS_PER_RUN)
    public Object hostCallRoundTrip() {
        return check(warm.run(hostCalls));
    }

    /** {@code Sandbox.invoke("add", 1, 2)}: the host calling a guest function (the Invocable path). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object invokeFunction() {
        return check(warm.invoke("add", 1, 2));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        warm.close();
    }

    /** A new sandbox, ready, runs {@code 1+1}, and is closed. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object freshSandboxFirstResult() {
        try (Sandbox sandbox = interpreter.newSandbox()) {
            return check(sandbox.run("1+1"));
        }
    }

    /** {@code 1+1} in a sandbox that has run before. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object warmOnePlusOne() {
        return check(warm.run("1+1"));
    }

    /** Sum of 0..1e6 in a guest loop. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 8)
    public Object loop1e6() {
        return check(warm.run(loop));
    }

    private static ExecutionResult check(ExecutionResult r) {
        if (!r.succeeded()) throw new IllegalStateException("benchmark script failed: " + r);
        return r;
    }

    /** HotSpot as a library user gets it without our flags. */
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xss16m"})
    public static class DefaultJvmFlags extends SandboxBenchmarks {}

    /** With the flags that let HotSpot compile the interpreters' huge methods. */
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xss16m", JIT_FLAG_1, JIT_FLAG_2, JIT_FLAG_3})
    public static class JitFlags extends SandboxBenchmarks {}
}
