package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rate limiting (429 + Retry-After), the execution queue (429 when full), per-client identity. */
class AdmissionTest {
    private static final Map<String, Object> HELLO = Map.of("language", "python", "code", "print('hi')");

    @Test
    void rateLimitPerClientWithRetryAfter() throws Exception {
        Path keys = Files.createTempFile("wasmbox-keys", ".txt");
        Files.writeString(keys, "# accepted keys\nteam-a\nteam-b\n");
        try (TestClient c = new TestClient(
                "--rate-limit",
                "6",
                "--rate-burst",
                "2",
                "--audit-log",
                "off",
                "--warmup",
                "false",
                "--api-keys-file",
                keys.toString())) {
            Map<String, String> teamA = Map.of("X-API-Key", "team-a");
            String hello = TestClient.Json.write(HELLO);
            assertThat(c.post("/api/v1/execute", hello, teamA).statusCode()).isEqualTo(200);
            assertThat(c.post("/api/v1/execute", hello, teamA).statusCode()).isEqualTo(200);
            TestClient.Json limited = TestClient.Json.of(c.post("/api/v1/execute", hello, teamA));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.body().get("error").asText()).isEqualTo("rate_limited");
            assertThat(limited.body().get("message").asText()).contains("rate limit exceeded");
            long retryAfter = Long.parseLong(
                    limited.response().headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 10L); // 6 a minute: one token every 10 s

            // Piston endpoint shares the bucket and answers in Piston's shape
            TestClient.Json piston = TestClient.Json.of(c.post(
                    "/api/v2/execute",
                    TestClient.Json.write(Map.of(
                            "language", "python", "version", "*", "files", List.of(Map.of("content", "print(1)")))),
                    teamA));
            assertThat(piston.status()).isEqualTo(429);
            assertThat(piston.body().get("message").asText()).contains("rate limit exceeded");

            // another configured key is another client, with its own bucket
            TestClient.Json other = TestClient.Json.of(c.post("/api/v1/execute", hello, Map.of("X-API-Key", "team-b")));
            assertThat(other.status()).isEqualTo(200);

            // a key that is not configured is refused, not a fresh bucket; so is no key at all
            for (int i = 0; i < 3; i++) {
                TestClient.Json forged =
                        TestClient.Json.of(c.post("/api/v1/execute", hello, Map.of("X-API-Key", "fresh-" + i)));
                assertThat(forged.status()).isEqualTo(401);
                assertThat(forged.body().get("error").asText()).isEqualTo("invalid_api_key");
            }
            TestClient.Json anonymous = c.postJson("/api/v1/execute", HELLO);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.body().get("error").asText()).isEqualTo("missing_api_key");
            assertThat(anonymous.body().get("message").asText()).contains("X-API-Key");

            // info endpoints are not rate limited
            assertThat(c.get("/api/v1/health").statusCode()).isEqualTo(200);
            assertThat(c.getJson("/api/v1/stats")
                            .body()
                            .at("/rejected/rate_limited")
                            .asInt())
                    .isEqualTo(2);
        } finally {
            Files.delete(keys);
        }
    }

    @Test
    void withoutConfiguredKeysAKeyIsNotAnIdentity() {
        // a fresh X-API-Key per request used to be a fresh bucket: now, with no keys configured, the client is its IP
        try (TestClient c =
                new TestClient("--rate-limit", "6", "--rate-burst", "2", "--audit-log", "off", "--warmup", "false")) {
            String hello = TestClient.Json.write(HELLO);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++)
                statuses.add(c.post("/api/v1/execute", hello, Map.of("X-API-Key", "fresh-" + i))
                        .statusCode());
            assertThat(statuses).containsExactly(200, 200, 429, 429);
        }
    }

    @Test
    void batchTakesOneTokenPerRequest() {
        try (TestClient c =
                new TestClient("--rate-limit", "6", "--rate-burst", "3", "--audit-log", "off", "--warmup", "false")) {
            TestClient.Json r = c.postJson("/api/v1/execute/batch", Map.of("requests", List.of(HELLO, HELLO)));
            assertThat(r.status()).isEqualTo(200);
            r = c.postJson("/api/v1/execute/batch", Map.of("requests", List.of(HELLO, HELLO)));
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.response().headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void fullQueueIs429() throws Exception {
        try (TestClient c = new TestClient(
                "--max-concurrent",
                "1",
                "--queue-size",
                "1",
                "--batch-max",
                "2",
                "--rate-limit",
                "0",
                "--audit-log",
                "off",
                "--warmup",
                "false")) {
            Map<String, Object> slow =
                    Map.of("language", "python", "code", "while True: pass", "limits", Map.of("timeoutMs", 3000));
            CompletableFuture<TestClient.Json> running =
                    CompletableFuture.supplyAsync(() -> c.postJson("/api/v1/execute", slow));
            awaitCount(c, "running", 1);
            CompletableFuture<TestClient.Json> queued =
                    CompletableFuture.supplyAsync(() -> c.postJson("/api/v1/execute", HELLO));
            awaitCount(c, "queued", 1);

            TestClient.Json rejected = c.postJson("/api/v1/execute", HELLO);
            assertThat(rejected.status()).isEqualTo(429);
            assertThat(rejected.body().get("error").asText()).isEqualTo("queue_full");
            assertThat(rejected.response().headers().firstValue("Retry-After")).hasValue("1");
            assertThat(c.post("/api/v1/execute/stream", TestClient.Json.write(HELLO))
                            .statusCode())
                    .isEqualTo(429);

            assertThat(running.get(30, TimeUnit.SECONDS).body().get("status").asText())
                    .isEqualTo("timeout");
            TestClient.Json waited = queued.get(30, TimeUnit.SECONDS);
            assertThat(waited.body().get("status").asText()).isEqualTo("success");
            assertThat(waited.body().at("/metadata/queue_time_ms").asLong()).isGreaterThan(500);
            assertThat(c.postJson("/api/v1/execute", HELLO).status()).isEqualTo(200); // free again
        }
    }

    private static void awaitCount(TestClient c, String field, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.getJson("/api/v1/health").body().get(field).asInt() != expected) {
            if (System.nanoTime() > deadline) throw new AssertionError(field + " never reached " + expected);
            Thread.sleep(20);
        }
    }
}
