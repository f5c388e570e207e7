package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A service on a random loopback port, and a real HTTP client for it. */
final class TestClient implements AutoCloseable {
    private static TestClient shared;

    final ExecutionService service;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TestClient(String... args) {
        try {
            String[] all = new String[args.length + 4];
            all[0] = "--port";
            all[1] = "0";
            all[2] = "--host";
            all[3] = "127.0.0.1";
            System.arraycopy(args, 0, all, 4, args.length);
            this.service = ExecutionService.start(ServiceConfig.parse(all, Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One service for the tests that need no special settings (generous rate limit, audit in a temp dir). */
    static synchronized TestClient shared() {
        if (shared == null) {
            Path audit = Path.of("target", "test-audit", "shared-audit.jsonl");
            shared = new TestClient(
                    "--rate-limit",
                    "100000",
                    "--rate-burst",
                    "100000",
                    "--audit-log",
                    audit.toString(),
                    "--max-concurrent",
                    "4",
                    "--max-code",
                    "2k",
                    "--max-body",
                    "64k",
                    "--max-timeout",
                    "10s",
                    // every test client is 127.0.0.1: let it use the whole queue (fair shares have their own tests)
                    "--client-share",
                    "36");
        }
        return shared;
    }

    URI uri(String path) {
        return URI.create(service.url() + path);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return post(path, body, Map.of());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a JSON object built from a map, returns the parsed response with its status. */
    Json postJson(String path, Object body) {
        return Json.of(post(path, Json.write(body)));
    }

    Json getJson(String path) {
        return Json.of(get(path));
    }

    /** A response: status, headers and parsed JSON body. */
    record Json(int status, HttpResponse<String> response, JsonNode body) {
        static Json of(HttpResponse<String> r) {
            try {
                return new Json(r.statusCode(), r, Http.JSON.readTree(r.body()));
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + r.statusCode() + " " + r.body(), e);
            }
        }

        static String write(Object body) {
            try {
                return Http.JSON.writeValueAsString(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    @Override
    public void close() {
        service.close();
    }
}
