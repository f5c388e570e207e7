package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /api/v1/execute/batch. */
class BatchApiTest {
    private final TestClient client = TestClient.shared();

    @Test
    void runsRequestsInParallelAndReturnsResultsInOrder() {
        List<Object> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(Map.of("language", "python", "code", "print(input() * 2)", "stdin", "r" + i));
        }
        requests.add(Map.of("language", "python", "code", "raise ValueError('bad')"));
        requests.add(Map.of("language", "python", "code", "while True: pass", "limits", Map.of("timeoutMs", 200)));
        TestClient.Json r = client.postJson("/api/v1/execute/batch", Map.of("requests", requests));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode results = r.body().get("results");
        assertThat(results).hasSize(8);
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).get("stdout").asText()).isEqualTo("r" + i + "r" + i + "\n");
            assertThat(results.get(i).get("status").asText()).isEqualTo("success");
        }
        assertThat(results.get(6).get("status").asText()).isEqualTo("error");
        assertThat(results.get(6).at("/error/type").asText()).isEqualTo("ValueError");
        assertThat(results.get(7).get("status").asText()).isEqualTo("timeout");
    }

    @Test
    void invalidEntryIs400NamingItsIndex() {
        TestClient.Json r = client.postJson(
                "/api/v1/execute/batch",
                Map.of(
                        "requests",
                        List.of(
                                Map.of("language", "python", "code", "1"),
                                Map.of("language", "klingon", "code", "1"))));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("message").asText())
                .contains("requests[1].language")
                .contains("klingon");
        r = client.postJson("/api/v1/execute/batch", Map.of("requests", List.of(Map.of("language", "python"))));
        assertThat(r.body().get("message").asText()).contains("missing required field 'requests[0].code'");
    }

    @Test
    void malformedBatchesAre400() {
        assertThat(client.postJson("/api/v1/execute/batch", Map.of())
                        .body()
                        .get("message")
                        .asText())
                .contains("missing required array 'requests'");
        assertThat(client.postJson("/api/v1/execute/batch", Map.of("requests", List.of()))
                        .body()
                        .get("message")
                        .asText())
                .contains("'requests' is empty");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) many.add(Map.of("language", "python", "code", "1"));
        TestClient.Json r = client.postJson("/api/v1/execute/batch", Map.of("requests", many));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("message").asText()).contains("at most 16 per batch");
    }
}
