package io.wasmbox.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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

/**
 * The shipped execution service in a process of its own, started as its launcher starts it (JIT flags,
 * 16 MiB stacks), on a free local port, with a client for its v1 API. The service benchmarks run from the
 * repository root after {@code ./mvnw -DskipTests package}; {@code -Dwasmbox.service.jar=PATH} names
 * another jar.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServiceProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts the service with these options (besides host and port) and waits until it listens. */
    static ServiceProcess start(String... options) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty(
                "wasmbox.service.jar", "samples/execution-service/target/wasmbox-execution-service.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no service jar at " + jar.toAbsolutePath()
                    + ": run from the repository root after ./mvnw -DskipTests package, or set -Dwasmbox.service.jar");
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JvmArgs.STACK,
                JvmArgs.JIT_1,
                JvmArgs.JIT_2,
                JvmArgs.JIT_3,
                "-Dwasmbox.jitWarning=false",
                "-jar",
                jar.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port)));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String url = null;
        for (String line; url == null && (line = out.readLine()) != null; ) {
            Matcher m = URL.matcher(line);
            if (m.find()) url = m.group(1);
        }
        if (url == null) throw new IllegalStateException("the service did not start (exit " + process.waitFor() + ")");
        Thread.ofVirtual()
                .start(
                        () -> { // keep its output flowing
                            try {
                                out.lines().forEach(l -> {});
                            } catch (UncheckedIOException closedAtStop) {
                                // stop() closed the stream under the reader: nothing more to drain
                            }
                        });
        return new ServiceProcess(process, url);
    }

    /** POST /api/v1/execute with this JSON body (and API key, when not null), waiting for the response. */
    HttpResponse<String> execute(String body, String apiKey) throws IOException, InterruptedException {
        return http.send(post(body, apiKey), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> executeAsync(String body, String apiKey) {
        return http.sendAsync(post(body, apiKey), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /api/v1/health's body. */
    String health() throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url + "/api/v1/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private HttpRequest post(String body, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/v1/execute"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) b.header("X-API-Key", apiKey);
        return b.build();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
