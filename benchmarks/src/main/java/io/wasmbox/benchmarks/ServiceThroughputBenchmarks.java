package io.wasmbox.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The execution service under load (issue 16): 8 concurrent clients, each sending its next small program
 * as soon as the last one answered (a closed loop, like the load generator), on the same 2-core
 * machine as the service. {@link #executions} is executions per second, {@link #latency} the distribution
 * of one execution's time from request to response (p50, p99 in JMH's output).
 *
 * <ul>
 * <li>{@code wasmbox-service}: the shipped service jar in a process of its own (launcher JIT flags, default
 *     execution slots (2 on 2 cores) and queue, no rate limit, no audit log), {@code POST /api/v1/execute}
 *     over HTTP/1.1 keep-alive connections; a fresh sandbox per execution, as the service runs them.
 * <li>{@code process-per-execution}: the usual alternative, a new interpreter process per execution
 *     ({@code node -e}, {@code python3 -I -S -c}), started directly (no HTTP in front: its best case).
 * </ul>
 * The program prints {@code 2,4,6} (a list mapped and joined); every response is checked.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar ServiceThroughputBenchmarks} from the repository root,
 * after {@code ./mvnw -DskipTests package}.
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmArgs.NATIVE_ACCESS, JvmArgs.UNSAFE})
@Threads(8)
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 3, time = 10)
public class ServiceThroughputBenchmarks {
    @Param({"javascript", "python"})
    public String language;

    @Param({"wasmbox-service", "process-per-execution"})
    public String server;

    static final String JS = "console.log([1, 2, 3].map(x => x * 2).join(\",\"))";
    static final String PYTHON = "print(\",\".join(str(x * 2) for x in [1, 2, 3]))";

    private ServiceProcess service;
    private String body;
    private List<String> command;

    @Setup(Level.Trial)
    public void start() throws Exception {
        String code = language.equals("python") ? PYTHON : JS;
        if (server.equals("wasmbox-service")) {
            service = ServiceProcess.start("--rate-limit", "0", "--audit-log", "off");
            body = "{\"language\": \"" + language + "\", \"code\": \"" + code.replace("\"", "\\\"") + "\"}";
        } else {
            command = language.equals("python")
                    ? List.of("python3", "-I", "-S", "-c", code)
                    : List.of("node", "-e", code);
        }
        execute(); // fails here, with its reason, if the server cannot run the program
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        if (service != null) service.close();
    }

    /** Executions per second, all 8 clients together. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int executions() throws Exception {
        return execute();
    }

    /** One execution, request to response, under the same load (JMH reports its percentiles). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int latency() throws Exception {
        return execute();
    }

    private int execute() throws IOException, InterruptedException {
        String out;
        if (service != null) {
            HttpResponse<String> r = service.execute(body, null);
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            out = r.body();
        } else {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (p.waitFor() != 0) throw new IllegalStateException(command.getFirst() + " failed: " + out);
        }
        if (!out.contains("2,4,6")) throw new IllegalStateException("unexpected answer: " + out);
        return out.length();
    }
}
