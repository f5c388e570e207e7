package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kernels over time and in numbers: 100 cells with flat memory, 50 kernels at once. */
class JupyterKernelLoadTest {
    static final String TOKEN = "load-token";
    static TestClient client;
    static String base;

    @BeforeAll
    static void start() {
        client = new TestClient(
                "--token",
                TOKEN,
                "--rate-limit",
                "0",
                "--audit-log",
                "off",
                "--max-concurrent",
                "4",
                "--queue-size",
                "64",
                "--client-share",
                "60",
                "--kernel-memory",
                "40m",
                "--kernel-cell-timeout",
                "60s",
                "--max-kernels",
                "60",
                "--max-kernels-per-client",
                "60");
        base = client.service.url();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static JsonNode model(String id) throws Exception {
        return Http.JSON.readTree(
                client.send(HttpRequest.newBuilder(URI.create(base + "/api/kernels/" + id + "?token=" + TOKEN))
                                .GET()
                                .build())
                        .body());
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aHundredCellsKeepStateWithFlatMemory() throws Exception {
        for (String lang : List.of("python", "javascript")) {
            try (KernelClient k = KernelClient.start(base, TOKEN, lang)) {
                boolean py = lang.equals("python");
                k.execute(py ? "n = 0\nhist = {}" : "var n = 0; var hist = {};");
                long memoryAt20 = 0;
                long heapAt20 = 0;
                for (int i = 1; i <= 100; i++) {
                    String code = py
                            ? "data = [j * j for j in range(20000)]\ntext = ','.join(map(str, data))\nn += 1\nhist[n % 10] = len(text)\nn"
                            : "var data = Array.from({length: 20000}, (_, j) => j * j); var text = data.join(','); n += 1; "
                                    + "hist[n % 10] = text.length; n";
                    KernelClient.Outcome o = k.execute(code);
                    assertThat(o.result())
                            .as(lang + " cell " + i + ": " + o.stderr())
                            .containsExactly(Integer.toString(i));
                    if (i == 20) {
                        memoryAt20 = model(k.kernelId)
                                .path("wasmbox")
                                .path("memory_bytes")
                                .asLong();
                        heapAt20 = heapAfterGc();
                    }
                }
                long memoryAt100 =
                        model(k.kernelId).path("wasmbox").path("memory_bytes").asLong();
                long heapAt100 = heapAfterGc();
                System.out.printf(
                        "%s kernel, 100 cells: guest memory %.1f MiB after cell 20, %.1f MiB after cell 100; "
                                + "JVM heap after GC %.1f -> %.1f MiB%n",
                        lang,
                        memoryAt20 / 1048576.0,
                        memoryAt100 / 1048576.0,
                        heapAt20 / 1048576.0,
                        heapAt100 / 1048576.0);
                assertThat(memoryAt100).as(lang + " guest memory").isLessThanOrEqualTo(memoryAt20 + (1 << 20));
                assertThat(heapAt100).as(lang + " heap").isLessThan(heapAt20 + (32L << 20));
                assertThat(model(k.kernelId).path("wasmbox").path("cells").asInt())
                        .isEqualTo(101);
                assertThat(k.delete()).isEqualTo(204);
            }
        }
    }

    @Test
    void fiftyKernelsAtOnce() throws Exception {
        int n = 50;
        long heapBefore = heapAfterGc();
        List<KernelClient> kernels = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<KernelClient>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String lang = i % 2 == 0 ? "python" : "javascript";
                started.add(pool.submit(() -> KernelClient.start(base, TOKEN, lang)));
            }
            for (Future<KernelClient> f : started) kernels.add(f.get());
            long startedMs = (System.nanoTime() - t0) / 1_000_000;
            JsonNode stats =
                    Http.JSON.readTree(client.get("/api/v1/stats").body()).path("kernels");
            assertThat(stats.path("running").asInt()).isEqualTo(n);
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                KernelClient k = kernels.get(i);
                int id = i;
                boolean py = i % 2 == 0;
                runs.add(pool.submit(() -> {
                    k.execute(py ? "mine = " + id : "var mine = " + id);
                    k.execute(py ? "acc = sum(range(1000))" : "var acc = 0; for (let j = 0; j < 1000; j++) acc += j;");
                    KernelClient.Outcome o = k.execute("mine * 1000 + acc % 7");
                    return o.result().isEmpty() ? o.stderr() : o.result().getFirst();
                }));
            }
            for (int i = 0; i < n; i++) {
                assertThat(runs.get(i).get()).as("kernel " + i).isEqualTo(Long.toString(i * 1000L + (499500 % 7)));
            }
            long totalMs = (System.nanoTime() - t0) / 1_000_000;
            long heapWith = heapAfterGc();
            System.out.printf(
                    "%d kernels (25 Python, 25 JavaScript): started in %d ms, 3 cells each on all at once, %d ms in all; "
                            + "JVM heap after GC %.1f MiB -> %.1f MiB with them (%.1f MiB a kernel)%n",
                    n,
                    startedMs,
                    totalMs,
                    heapBefore / 1048576.0,
                    heapWith / 1048576.0,
                    (heapWith - heapBefore) / 1048576.0 / n);
            for (KernelClient k : kernels) assertThat(k.delete()).isEqualTo(204);
        }
        assertThat(Http.JSON
                        .readTree(client.get("/api/v1/stats").body())
                        .path("kernels")
                        .path("running")
                        .asInt())
                .isZero();
        System.out.printf("after deleting them: heap after GC %.1f MiB%n", heapAfterGc() / 1048576.0);
    }
}
