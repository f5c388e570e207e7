package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many clients at once: each gets its own result; nothing leaks between sandboxes. */
class ConcurrencyTest {
    private final TestClient client = TestClient.shared();

    @Test
    void concurrentClientsGetTheirOwnResults() throws Exception {
        int clients = 24;
        List<Future<TestClient.Json>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                int n = i;
                // each run reads its own stdin and env, and checks that no other run's global is visible
                Map<String, Object> body = Map.of(
                        "language",
                        "python",
                        "code",
                        """
                        import os
                        leaked = 'secret' in globals()
                        secret = input()
                        print(secret, os.environ['N'], leaked)
                        """,
                        "stdin",
                        "token-" + n,
                        "env",
                        Map.of("N", Integer.toString(n)));
                futures.add(pool.submit(() -> client.postJson("/api/v1/execute", body)));
            }
            for (int i = 0; i < clients; i++) {
                TestClient.Json r = futures.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                JsonNode b = r.body();
                assertThat(b.get("status").asText()).isEqualTo("success");
                assertThat(b.get("stdout").asText()).isEqualTo("token-" + i + " " + i + " False\n");
            }
        }
    }
}
