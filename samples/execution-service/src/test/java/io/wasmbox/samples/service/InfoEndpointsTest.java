package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Language;
import io.wasmbox.Wasmbox;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Health, stats, config, runtimes, the OpenAPI document and the playground's static files. */
class InfoEndpointsTest {
    private final TestClient client = TestClient.shared();

    @Test
    void health() {
        TestClient.Json r = client.getJson("/api/v1/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("ok");
        assertThat(r.body().get("languages").has("python")).isTrue();
        assertThat(r.body().get("running").isInt()).isTrue();
    }

    @Test
    void runtimesListEveryLanguageOnTheClassPath() {
        JsonNode runtimes = client.getJson("/api/v1/runtimes").body().get("runtimes");
        List<String> ids = new ArrayList<>();
        runtimes.forEach(r -> ids.add(r.get("language").asText()));
        assertThat(ids)
                .containsExactlyElementsOf(
                        Wasmbox.languages().stream().map(Language::id).toList());
        JsonNode python = runtimes.get(ids.indexOf("python"));
        assertThat(python.get("version").asText()).startsWith("3.13");
        assertThat(python.get("aliases").toString()).contains("py");
        assertThat(python.get("runtime").asText()).isEqualTo("Wasmbox CPython");
    }

    @Test
    void configShowsEffectiveLimits() {
        JsonNode c = client.getJson("/api/v1/config").body();
        assertThat(c.at("/limits/timeoutMs/max").asLong()).isEqualTo(10_000);
        assertThat(c.at("/limits/timeoutMs/default").asLong()).isEqualTo(5_000);
        assertThat(c.at("/limits/maxMemoryMB/max").asLong()).isEqualTo(256);
        assertThat(c.at("/limits/maxOutputSize/max").asLong()).isEqualTo(1 << 20);
        assertThat(c.at("/service/max_concurrent").asInt()).isEqualTo(4);
        assertThat(c.at("/service/max_code_bytes").asInt()).isEqualTo(2048);
        assertThat(c.at("/service/audit_log").asBoolean()).isTrue();
    }

    @Test
    void statsCountExecutionsWithPercentilesPerLanguage() {
        for (int i = 0; i < 3; i++)
            client.postJson("/api/v1/execute", Map.of("language", "python", "code", "print(1)"));
        client.postJson("/api/v1/execute", Map.of("language", "python", "code", "1/0"));
        client.postJson("/api/v1/execute", Map.of("language", "nope", "code", "1"));
        JsonNode s = client.getJson("/api/v1/stats").body();
        assertThat(s.get("total_executions").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(s.get("total_requests").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(s.at("/by_status/success").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(s.at("/by_status/error").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(s.at("/rejected/invalid_request").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("success_rate").asDouble()).isBetween(0.0, 1.0);
        JsonNode py = s.at("/languages/python");
        assertThat(py.get("executions").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(py.get("p50_ms").asLong())
                .isLessThanOrEqualTo(py.get("p95_ms").asLong());
        assertThat(py.get("p95_ms").asLong())
                .isLessThanOrEqualTo(py.get("max_ms").asLong());
    }

    @Test
    void openApiDocumentDescribesEveryRoute() {
        HttpResponse<String> r = client.get("/api/openapi.yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
        assertThat(r.body()).startsWith("openapi: 3.");
        client.service.routeTable().forEach((path, methods) -> {
            if (path.endsWith("*") || path.equals("/index.html")) return; // static files, described under /
            assertThat(r.body()).as("OpenAPI lists %s", path).contains("\n  " + path + ":\n");
            for (String m : methods) {
                assertThat(r.body())
                        .as("OpenAPI lists %s %s", m, path)
                        .containsPattern("\\n  " + Pattern.quote(path) + ":\\n(    .*\\n|\\s*\\n)*?    "
                                + m.toLowerCase(Locale.ROOT) + ":");
            }
        });
    }

    @Test
    void playgroundAndItsAssetsAreServedLocally() {
        HttpResponse<String> index = client.get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'self'");
        assertThat(index.body())
                .contains("/vendor/codemirror/lib/codemirror.js")
                .doesNotContain("https://");
        for (String asset : List.of(
                "/assets/playground.js",
                "/assets/playground.css",
                "/vendor/codemirror/lib/codemirror.js",
                "/vendor/codemirror/lib/codemirror.css",
                "/vendor/codemirror/mode/python/python.js",
                "/vendor/codemirror/mode/javascript/javascript.js")) {
            assertThat(client.get(asset).statusCode()).as(asset).isEqualTo(200);
        }
        assertThat(client.get("/assets/../openapi.yaml").statusCode()).isEqualTo(404);
        // an encoded dot segment is refused by Jetty's URI check before routing (400), a plain one is not found
        HttpResponse<String> encoded = client.get("/assets/%2e%2e/openapi.yaml");
        assertThat(encoded.statusCode()).isEqualTo(400);
        assertThat(encoded.body()).doesNotContain("openapi:").contains("bad_http_request");
        // dot segments climbing above the root: refused by Jetty's URI check (400), the class file never served
        HttpResponse<String> climb = client.get("/vendor/codemirror/../../../../io/wasmbox/samples/service/Api.class");
        assertThat(climb.statusCode()).isEqualTo(400);
        assertThat(climb.body()).contains("bad_http_request");
        assertThat(client.get("/assets/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    void headAndOptionsAreAnsweredWithoutABody() {
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(client.uri("/api/openapi.yaml"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        long length = Long.parseLong(head.headers().firstValue("Content-Length").orElseThrow());
        assertThat(length).isEqualTo(client.get("/api/openapi.yaml").body().getBytes(StandardCharsets.UTF_8).length);
        HttpResponse<String> options = client.send(HttpRequest.newBuilder(client.uri("/api/v1/execute"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        // the service answers on after both
        assertThat(client.get("/api/v1/health").statusCode()).isEqualTo(200);
    }
}
