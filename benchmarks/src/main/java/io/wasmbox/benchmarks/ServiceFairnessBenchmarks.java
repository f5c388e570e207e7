package io.wasmbox.benchmarks;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * The execution service's fair scheduling, measured as a client sees it: the latency of a light client's
 * Python {@code 1+1} on a service with 2 slots, alone, and while a heavy client (another API key) has 8 runs of
 * {@value #HEAVY_MS} ms in flight (2 running, 6 queued). First come first served, the light request waited
 * for all eight (4 x {@value #HEAVY_MS} ms); fair, it waits for at most one of them to end.
 *
 * <p>The service is the shipped jar in a process of its own, started with the launcher's JIT flags:
 * {@code java -jar benchmarks/target/benchmarks.jar ServiceFairnessBenchmarks} from the repository root
 * (after {@code ./mvnw -DskipTests package}; {@code -Dwasmbox.service.jar=PATH} names another jar).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 6)
public class ServiceFairnessBenchmarks {
    static final long HEAVY_MS = 2000;
    private static final int HEAVY_REQUESTS = 8;
    private static final String LIGHT = "{\"language\": \"python\", \"code\": \"1+1\"}";
    private static final String HEAVY =
            "{\"language\": \"python\", \"code\": \"while True: pass\", \"limits\": {\"timeoutMs\": " + HEAVY_MS + "}}";

    /** {@code alone}: nothing else runs; {@code behind-heavy}: another client keeps both slots and the queue busy. */
    @Param({"alone", "behind-heavy"})
    public String load;

    private ServiceProcess service;
    private Path keys;
    private final List<CompletableFuture<HttpResponse<String>>> heavy = new ArrayList<>();

    @Setup(Level.Trial)
    public void startService() throws Exception {
        keys = Files.createTempFile("wasmbox-keys", ".txt");
        Files.writeString(keys, "heavy\nlight\n");
        service = ServiceProcess.start(
                "--max-concurrent",
                "2",
                "--queue-size",
                "32",
                "--rate-limit",
                "0",
                "--audit-log",
                "off",
                "--api-keys-file",
                keys.toString(),
                "--max-timeout",
                "10s");
        for (int i = 0; i < 20; i++) light(); // the interpreter compiled and warm, as in a running service
    }

    @Setup(Level.Iteration)
    public void heavyClientFillsTheService() throws Exception {
        if (!load.equals("behind-heavy")) return;
        for (int i = 0; i < HEAVY_REQUESTS; i++) heavy.add(service.executeAsync(HEAVY, "heavy"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!service.health().contains("\"running\":2")) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the heavy runs never started: " + service.health());
            Thread.sleep(20);
        }
        Thread.sleep(300); // the other six are queued by now
    }

    /** The light client's {@code 1+1}, from request to response. */
    @Benchmark
    public int lightClientOnePlusOne() throws Exception {
        return light();
    }

    @TearDown(Level.Iteration)
    public void heavyRunsEnd() throws Exception {
        for (CompletableFuture<HttpResponse<String>> f : heavy) {
            int status = f.get(120, TimeUnit.SECONDS).statusCode();
            if (status != 200) throw new IllegalStateException("a heavy run answered " + status);
        }
        heavy.clear();
    }

    @TearDown(Level.Trial)
    public void stopService() throws Exception {
        service.close();
        Files.deleteIfExists(keys);
    }

    private int light() throws Exception {
        HttpResponse<String> r = service.execute(LIGHT, "light");
        if (r.statusCode() != 200 || !r.body().contains("\"value\":2")) {
            throw new IllegalStateException("light request failed: " + r.statusCode() + " " + r.body());
        }
        return r.statusCode();
    }
}
