package io.wasmbox.benchmarks;

import io.wasmbox.benchmarks.contenders.Contender;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * The CPU-bound {@link Workload}s, per engine ({@link PeerJsWorkloads}, {@link PeerPythonWorkloads}): the
 * prelude runs once in a session, then the workload's expression is timed in that warm session. Its
 * result is verified in set-up. Warm-up is long because Wasmbox's huge interpreter loops take seconds to
 * be JIT-compiled.
 */
@State(Scope.Benchmark)
public abstract class PeerWorkloadBenchmarks {
    @Param({"loop1e6", "fib25", "json1mb", "stringBuild", "regex"})
    public String workload;

    private Contender contender;
    private Contender.Session session;
    private String expression;

    protected abstract String engine();

    protected abstract Language language();

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = Workload.byKey(workload);
        contender = Contender.create(engine(), language());
        session = contender.open(false);
        session.define(w.prelude(language()));
        expression = w.expression(language());
        w.verify(engine(), session.eval(expression));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        contender.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Object run() {
        return session.eval(expression);
    }
}
