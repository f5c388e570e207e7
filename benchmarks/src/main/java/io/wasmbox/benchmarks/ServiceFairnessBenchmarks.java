package io.wasmbox.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");
    private static final String LIGHT = "{\"language\": \"python\", \"code\": \"1+1\"}";
    private static final String HEAVY =
            "{\"language\": \"python\", \"code\": \"while True: pass\", \"limits\": {\"timeoutMs\": " + HEAVY_MS + "}}";

    /** {@code alone}: nothing else runs; {@code behind-heavy}: another client keeps both slots and the queue busy. */
    @Param({"alone", "behind-heavy"})
    public String load;

    private Process service;
    private String url;
    private Path keys;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<CompletableFuture<HttpResponse<String>>> heavy = new ArrayList<>();

    @Setup(Level.Trial)
    public void startService() throws Exception {
        Path jar = Path.of(System.getProperty(
                "wasmbox.service.jar", "samples/execution-service/target/wasmbox-execution-service.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no service jar at " + jar.toAbsolutePath()
                    + ": run from the repository root after ./mvnw -DskipTests package, or set -Dwasmbox.service.jar");
        }
        keys = Files.createTempFile("wasmbox-keys", ".txt");
        Files.writeString(keys, "heavy\nlight\n");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        service = new ProcessBuilder(
                        java,
                        "-Xss16m",
                        SandboxBenchmarks.JIT_FLAG_1,
                        SandboxBenchmarks.JIT_FLAG_2,
                        SandboxBenchmarks.JIT_FLAG_3,
                        "-Dwasmbox.jitWarning=false",
                        "-jar",
                        jar.toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
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
                        "10s")
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
        for (String line; url == null && (line = out.readLine()) != null; ) {
            Matcher m = URL.matcher(line);
            if (m.find()) url = m.group(1);
        }
        if (url == null) throw new IllegalStateException("the service did not start (exit " + service.waitFor() + ")");
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep its output flowing
        for (int i = 0; i < 20; i++) light(); // the interpreter compiled and warm, as in a running service
    }

    @Setup(Level.Iteration)
    public void heavyClientFillsTheService() throws Exception {
        if (!load.equals("behind-heavy")) return;
        for (int i = 0; i < HEAVY_REQUESTS; i++)
            heavy.add(http.sendAsync(post(HEAVY, "heavy"), HttpResponse.BodyHandlers.ofString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!health().contains("\"running\":2")) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the heavy runs never started: " + health());
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
        service.destroy();
        if (!service.waitFor(10, TimeUnit.SECONDS)) service.destroyForcibly();
        Files.deleteIfExists(keys);
    }

    private int light() throws Exception {
        HttpResponse<String> r = http.send(post(LIGHT, "light"), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"value\":2")) {
            throw new IllegalStateException("light request failed: " + r.statusCode() + " " + r.body());
        }
        return r.statusCode();
    }

    private HttpRequest post(String body, String key) {
        return HttpRequest.newBuilder(URI.create(url + "/api/v1/execute"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private String health() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url + "/api/v1/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
