package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair scheduling between clients, measured: a light client's {@code 1+1} while a heavy client keeps every
 * slot busy with long runs waits for at most one of those runs to end, not for the heavy client's queue.
 * (With the former first-come-first-served queue it waited for all of them: 8 runs of 3 s on 2 slots, 12 s.)
 */
class FairnessTest {
    private static final long RUN_MS = 3000;

    @TempDir
    Path dir;

    private static final String LOOP = TestClient.Json.write(
            Map.of("language", "python", "code", "while True: pass", "limits", Map.of("timeoutMs", RUN_MS)));
    private static final String LIGHT = TestClient.Json.write(Map.of("language", "python", "code", "1+1"));

    private TestClient service() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "heavy\nlight\n");
        return new TestClient(
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
    }

    private static long lightLatencyMillis(TestClient c) {
        long t0 = System.nanoTime();
        TestClient.Json r = TestClient.Json.of(c.post("/api/v1/execute", LIGHT, Map.of("X-API-Key", "light")));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("value").asInt()).isEqualTo(2);
        return ms;
    }

    private static void awaitRunning(TestClient c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.getJson("/api/v1/health").body().get("running").asInt() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("never " + n + " running");
            Thread.sleep(20);
        }
    }

    @Test
    void lightClientWaitsAtMostOneRunBehindAHeavyClientsParallelRequests() throws Exception {
        try (TestClient c = service()) {
            lightLatencyMillis(c); // warm the interpreter
            List<CompletableFuture<Integer>> heavy = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                heavy.add(CompletableFuture.supplyAsync(
                        () -> c.post("/api/v1/execute", LOOP, Map.of("X-API-Key", "heavy"))
                                .statusCode()));
            }
            awaitRunning(c, 2);
            Thread.sleep(300); // the heavy client's other six are queued by now
            long latency = lightLatencyMillis(c);
            System.out.printf(
                    "fairness: light 1+1 behind 8 x %d ms heavy requests on 2 slots: %d ms%n", RUN_MS, latency);
            assertThat(latency)
                    .as("at most one heavy run (%d ms) plus slack", RUN_MS)
                    .isLessThan(RUN_MS + 2000);
            for (CompletableFuture<Integer> f : heavy)
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
    }

    @Test
    void aBatchCountsAgainstItsClientsShare() throws Exception {
        try (TestClient c = service()) {
            lightLatencyMillis(c);
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < 16; i++) items.add(Http.JSON.readTree(LOOP));
            String batch = TestClient.Json.write(Map.of("requests", items));
            CompletableFuture<Integer> heavy = CompletableFuture.supplyAsync(
                    () -> c.post("/api/v1/execute/batch", batch, Map.of("X-API-Key", "heavy"))
                            .statusCode());
            awaitRunning(c, 2);
            Thread.sleep(300);
            long latency = lightLatencyMillis(c);
            System.out.printf("fairness: light 1+1 behind a batch of 16 x %d ms on 2 slots: %d ms%n", RUN_MS, latency);
            assertThat(latency).isLessThan(RUN_MS + 2000);
            // the heavy client cannot queue more than its share meanwhile (default: half the queue, at least batch-max)
            int over = c.post("/api/v1/execute/batch", batch, Map.of("X-API-Key", "heavy"))
                    .statusCode();
            assertThat(over).isEqualTo(429);
            assertThat(heavy.get(120, TimeUnit.SECONDS)).isEqualTo(200);
        }
    }

    @Test
    void schedulerGivesAFreedSlotToTheClientWithFewestRunning() throws Exception {
        FairScheduler s = new FairScheduler(1, 10, 10);
        assertThat(s.admit("heavy", 4)).isNull();
        assertThat(s.acquire("heavy", TimeUnit.SECONDS.toNanos(1))).isTrue(); // heavy runs
        List<String> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String client : List.of("heavy", "heavy", "heavy", "light")) {
            if (client.equals("light")) assertThat(s.admit("light", 1)).isNull();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    if (s.acquire(client, TimeUnit.SECONDS.toNanos(10))) {
                        order.add(client);
                        Thread.sleep(20);
                        s.releaseSlot(client);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            Thread.sleep(50); // queued in this order
        }
        s.releaseSlot("heavy");
        for (Thread t : threads) t.join(10_000);
        assertThat(order).containsExactly("light", "heavy", "heavy", "heavy");
        s.release("heavy", 4);
        s.release("light", 1);
        assertThat(s.running()).isZero();
        assertThat(s.admit("heavy", 10)).isNull(); // all released: the whole capacity again
        assertThat(s.admit("other", 1)).isEqualTo(FairScheduler.Refusal.QUEUE_FULL);
        FairScheduler shares = new FairScheduler(1, 10, 3);
        assertThat(shares.admit("a", 3)).isNull();
        assertThat(shares.admit("a", 1)).isEqualTo(FairScheduler.Refusal.CLIENT_SHARE);
        assertThat(shares.admit("b", 3)).isNull();
    }
}
