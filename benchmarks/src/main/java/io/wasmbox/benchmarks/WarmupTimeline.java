package io.wasmbox.benchmarks;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first minute of a JVM (issue 16): each benchmark in a fresh fork, no warm-up, 60 measured iterations
 * of 1 s, so iteration <i>n</i> is second <i>n</i> of guest work and the iterations together are the
 * warm-up timeline. One subclass per JVM configuration (the levers), each its own fork:
 * {@link Default} (what a library user gets), {@link JitFlags} (the launchers' flags), {@link AotCache}
 * (the launchers' flags plus a JDK 25 AOT cache with method profiles from a training run, {@link
 * TimelineTraining}), {@link CompilerThreads} (the launchers' flags with 4 JIT compiler threads), {@link
 * TierThresholds} (the launchers' flags with C2's thresholds at a fifth of their defaults), {@link GraalJit} (the Graal compiler as the JIT, from Maven Central, on this stock
 * JDK), {@link NoBranchTraps} (C2 without uncommon traps for branches its profile never saw), {@link
 * WarmUpThread} (the launchers' flags and a {@link BackgroundWarmUp} thread); and {@link
 * PacedJitFlags} and {@link PacedWarmUpThread}, the same with a call every 20 ms instead of back to back. {@link TimelineReport} turns the run into tables and SVG charts; {@code benchmarks/run.sh timeline}
 * does all of it (run from the repository root: the forks' paths are relative to it).
 *
 * <p>Each fork prints {@code timeline-setup <ms>}: the JVM's uptime when the sandbox was ready, i.e. where
 * second 1 of the timeline starts in the JVM's life.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 0)
@Measurement(iterations = WarmupTimeline.SECONDS, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class WarmupTimeline {
    static final int SECONDS = 60;
    static final int HOST_CALLS = 100;
    /** Where {@link GraalJit} finds the compiler's jars (benchmarks/pom.xml copies them there). */
    static final String GRAAL_JARS = "benchmarks/target/graal-jit";
    /** The AOT cache {@link TimelineTraining} writes and {@link AotCache} reads. */
    static final String AOT_CACHE = "benchmarks/target/timeline.aot";

    @Param({"javascript", "python"})
    public String language;

    private Sandbox sandbox;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("wasmbox.jitWarning", "false");
        beforeSandbox();
        sandbox = prepare(language);
        System.out.println(
                "timeline-setup " + ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** What a configuration starts before the timeline's sandbox is made: nothing by default. */
    void beforeSandbox() {}

    /** A sandbox with {@code add}, {@code call_host} and {@code loop} defined and {@code noop} bound. */
    static Sandbox prepare(String language) {
        Interpreter interpreter = Wasmbox.interpreter(language);
        Sandbox sandbox = interpreter.newSandbox();
        sandbox.bind("noop", args -> args.isEmpty() ? null : args.getFirst());
        check(sandbox.run(
                language.equals("python")
                        ? "def add(a, b):\n    return a + b\n"
                                + "def call_host(n):\n    for i in range(n):\n        noop(i)\n    return n\n"
                                + "def loop(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s"
                        : "function add(a, b) { return a + b }\n"
                                + "function call_host(n) { for (let i = 0; i < n; i++) noop(i); return n }\n"
                                + "function loop(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s }"));
        return sandbox;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sandbox.close();
    }

    /** {@code 1+1} in a sandbox that has run before. */
    @Benchmark
    public Object warmOnePlusOne() {
        return check(sandbox.run("1+1"));
    }

    /** One host-function round trip (per call, 100 per run). */
    @Benchmark
    @OperationsPerInvocation(HOST_CALLS)
    public Object hostCall() {
        return check(sandbox.run("call_host(" + HOST_CALLS + ")"));
    }

    /** {@code invoke("add", 1, 2)}. */
    @Benchmark
    public Object invoke() {
        return check(sandbox.invoke("add", 1, 2));
    }

    /** A CPU-bound guest loop of 100,000 additions. */
    @Benchmark
    public Object cpuLoop() {
        return check(sandbox.run("loop(100000)"));
    }

    static ExecutionResult check(ExecutionResult r) {
        if (!r.succeeded()) throw new IllegalStateException("timeline script failed: " + r);
        return r;
    }

    /** HotSpot as a library user gets it: no flags but the stack. */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK})
    public static class Default extends WarmupTimeline {}

    /** The launchers' flags: HotSpot may compile the interpreters' huge methods. */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
    public static class JitFlags extends WarmupTimeline {}

    /**
     * The launchers' flags and four compiler threads instead of the two HotSpot picks on 2 cores (one C1, one
     * C2): C2 then compiles more than one of the interpreters' huge methods at a time, at the price of the
     * guest's CPU while it does.
     */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3, "-XX:CICompilerCount=4"})
    public static class CompilerThreads extends WarmupTimeline {}

    /**
     * The launchers' flags and C2's tier-4 thresholds at about a fifth of their defaults (invocations 5000 ->
     * 1000, minimum 600 -> 120, compile 15000 -> 3000, back edges 40000 -> 8000): the interpreters' huge methods,
     * which C1 gives up on and so run interpreted until C2 takes them, are queued for C2 sooner, with less
     * profile.
     */
    @Fork(
            value = 1,
            jvmArgsAppend = {
                JvmArgs.STACK,
                JvmArgs.JIT_1,
                JvmArgs.JIT_2,
                JvmArgs.JIT_3,
                "-XX:Tier4InvocationThreshold=1000",
                "-XX:Tier4MinInvocationThreshold=120",
                "-XX:Tier4CompileThreshold=3000",
                "-XX:Tier4BackEdgeThreshold=8000"
            })
    public static class TierThresholds extends WarmupTimeline {}

    /**
     * The launchers' flags and no uncommon traps for rarely taken branches ({@code -XX:PerMethodTrapLimit=0}):
     * C2 compiles both sides of every branch of the interpreters' huge methods instead of trapping on the side
     * its profile never saw, so a path first taken late (QuickJS's {@code JS_CallInternal} was deoptimised at
     * 5, 9, 26 and 50 s of a steady loop) does not throw the compiled form away and queue a recompilation.
     */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3, "-XX:PerMethodTrapLimit=0"})
    public static class NoBranchTraps extends WarmupTimeline {}

    /** The launchers' flags and a JDK 25 AOT cache (classes loaded and linked, method profiles) from training. */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3, "-XX:AOTCache=" + AOT_CACHE})
    public static class AotCache extends WarmupTimeline {}

    /**
     * The launchers' flags and {@link BackgroundWarmUp}: a thread running a broad mix of guest work in the
     * same language for the whole minute, started before the timeline's sandbox.
     */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
    public static class WarmUpThread extends WarmupTimeline {
        @Override
        void beforeSandbox() {
            startWarmUpThread(language);
        }
    }

    /** Starts {@link BackgroundWarmUp} for the whole timeline and a little longer. */
    static void startWarmUpThread(String language) {
        BackgroundWarmUp.start(language, Duration.ofSeconds(SECONDS + 10));
    }

    /**
     * A call every {@link #PAUSE_MILLIS} instead of back to back, as a service with light traffic sees them:
     * the timeline's own calls then drive the JIT only a little. The pause is not timed.
     */
    public abstract static class Paced extends WarmupTimeline {
        static final long PAUSE_MILLIS = 20;

        @Setup(Level.Invocation)
        public void pause() throws InterruptedException {
            Thread.sleep(PAUSE_MILLIS);
        }
    }

    /** {@link JitFlags}, a call every 20 ms. */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
    public static class PacedJitFlags extends Paced {}

    /** {@link WarmUpThread}, a call every 20 ms. */
    @Fork(
            value = 1,
            jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
    public static class PacedWarmUpThread extends Paced {
        @Override
        void beforeSandbox() {
            startWarmUpThread(language);
        }
    }

    /** Graal (jargraal from Maven Central) as the JIT instead of C2, huge methods allowed. */
    @Fork(
            value = 1,
            jvmArgsAppend = {
                JvmArgs.STACK,
                JvmArgs.JIT_1,
                "-XX:+UnlockExperimentalVMOptions",
                "-XX:+EnableJVMCI",
                "-XX:+UseJVMCICompiler",
                "--upgrade-module-path=" + GRAAL_JARS
            })
    public static class GraalJit extends WarmupTimeline {}
}
