package io.wasmbox.benchmarks;

import io.wasmbox.benchmarks.contenders.Contender;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedding scenarios, the same for every engine ({@link PeerJsBenchmarks}, {@link
 * PeerPythonBenchmarks}): a fresh sandbox to its first result (latency, and throughput with 1, 2 and 4
 * threads), warm {@code 1+1}, a host-function round trip and the host invoking a guest function. Every
 * workload's result is checked in set-up, so a broken engine fails the run instead of timing an error.
 */
@State(Scope.Benchmark)
public abstract class PeerBenchmarks {
    private Contender contender;
    private Contender.Session warm;
    private String onePlusOne;
    private String hostCall;

    /** The engine parameter of the concrete class. */
    protected abstract String engine();

    protected abstract Language language();

    @Setup(Level.Trial)
    public void setUp() {
        contender = Contender.create(engine(), language());
        Language lang = language();
        onePlusOne = Workload.ONE_PLUS_ONE.expression(lang);
        hostCall = Workload.HOST_CALL.expression(lang);
        try (Contender.Session fresh = contender.open(false)) {
            Workload.ONE_PLUS_ONE.verify(engine(), fresh.eval(onePlusOne));
        }
        warm = contender.open(true);
        for (Workload w : new Workload[] {Workload.ONE_PLUS_ONE, Workload.INVOKE, Workload.HOST_CALL}) {
            if (!w.prelude(lang).isEmpty()) warm.define(w.prelude(lang));
            w.verify(engine(), warm.eval(w.expression(lang)));
        }
        Workload.INVOKE.verify(engine() + " invoke", warm.invoke("add", 1, 2));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        warm.close();
        contender.close();
    }

    /** A new sandbox (context, scope, engine), ready, evaluates {@code 1+1}, and is closed. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object freshSandboxFirstResult() {
        return fresh();
    }

    /** {@code 1+1} in a session that has run before. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object warmOnePlusOne() {
        return warm.eval(onePlusOne);
    }

    /** One guest -> host -> guest call: a guest loop calling the bound {@code noop(i)}, per call. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @OperationsPerInvocation(Workload.HOST_CALLS)
    public Object hostCallRoundTrip() {
        return warm.eval(hostCall);
    }

    /** The host calling the guest's {@code add(1, 2)}. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object invokeFunction() {
        return warm.invoke("add", 1, 2);
    }

    /** Fresh sandbox + {@code 1+1} + close, executions per second, 1 thread. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Threads(1)
    public Object freshThroughput1Thread() {
        return fresh();
    }

    /** As {@link #freshThroughput1Thread}, 2 threads (the machine's cores). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Threads(2)
    public Object freshThroughput2Threads() {
        return fresh();
    }

    /** As {@link #freshThroughput1Thread}, 4 threads. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Threads(4)
    public Object freshThroughput4Threads() {
        return fresh();
    }

    private Object fresh() {
        try (Contender.Session session = contender.open(false)) {
            return session.eval(onePlusOne);
        }
    }
}
