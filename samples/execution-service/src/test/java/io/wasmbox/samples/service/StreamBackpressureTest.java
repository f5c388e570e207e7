package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow, stalled and vanishing clients: bounded buffers, cut streams, stopped runs, timeouts. */
class StreamBackpressureTest {
    @TempDir
    Path dir;

    private static JsonNode lastAudit(Path audit) throws IOException {
        List<String> lines = Files.readAllLines(audit);
        return lines.isEmpty() ? null : Http.JSON.readTree(lines.getLast());
    }

    private static int running(TestClient c) {
        return c.getJson("/api/v1/health").body().get("running").asInt();
    }

    @Test
    void aStalledSseReaderIsCutAfterTheBufferAndItsRunStopped() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--audit-log",
                audit.toString(),
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--max-output",
                "512m",
                "--max-timeout",
                "60s",
                "--stream-buffer",
                "64k")) {
            String body = TestClient.Json.write(Map.of(
                    "language",
                    "python",
                    "code",
                    "while True: print('x' * 4000, flush=True)",
                    "limits",
                    Map.of("timeoutMs", 60000, "maxOutputSize", 500_000_000)));
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096); // before connect: a small window, then never read
                s.connect(new InetSocketAddress("127.0.0.1", c.service.port()));
                s.getOutputStream()
                        .write(RawHttp.post("/api/v1/execute/stream", "127.0.0.1", body)
                                .getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                JsonNode last = null;
                while (System.nanoTime() < deadline) {
                    last = lastAudit(audit);
                    if (last != null) break;
                    Thread.sleep(50);
                }
                long cutMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.printf("stalled SSE reader cut after %d ms%n", cutMs);
                assertThat(last).as("an audit line for the cut stream").isNotNull();
                assertThat(last.get("outcome").asText()).isEqualTo("cut:stream_stalled");
                assertThat(last.get("pending_chars").asLong()).isLessThanOrEqualTo(64 * 1024);
                assertThat(cutMs).as("cut long before the run's 60 s timeout").isLessThan(20_000);
                // the run was stopped, not left to its timeout
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (running(c) > 0 && System.nanoTime() < until) Thread.sleep(50);
                assertThat(running(c)).isZero();
                // and the connection was closed: reading drains what was buffered, then ends
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[65536];
                long total = 0;
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) total += n;
                } catch (IOException reset) {
                    // a reset is a closed connection too
                }
                assertThat(total).isLessThan(16L << 20);
            }
            assertThat(c.postJson("/api/v1/execute", Map.of("language", "python", "code", "1+1"))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aClientThatLeavesAStreamStopsItsRun() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--audit-log",
                audit.toString(),
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--max-timeout",
                "60s",
                "--idle-timeout",
                "2s")) {
            String body = TestClient.Json.write(Map.of(
                    "language",
                    "python",
                    "code",
                    "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.2)",
                    "limits",
                    Map.of("timeoutMs", 60000)));
            try (Socket s = RawHttp.connect(c.service.port())) {
                s.getOutputStream()
                        .write(RawHttp.post("/api/v1/execute/stream", "127.0.0.1", body)
                                .getBytes(StandardCharsets.UTF_8));
                s.getInputStream().read(new byte[256]); // the stream started
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            JsonNode last = null;
            while (System.nanoTime() < deadline && (last = lastAudit(audit)) == null) Thread.sleep(50);
            assertThat(last).isNotNull();
            assertThat(last.get("outcome").asText()).isEqualTo("cut:client_gone");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(c) > 0 && System.nanoTime() < until) Thread.sleep(50);
            assertThat(running(c)).isZero();
        }
    }

    @Test
    void runsLongerThanTheIdleTimeoutStillAnswerAndStreamsStayAlive() throws Exception {
        try (TestClient c = new TestClient(
                "--warmup", "false", "--rate-limit", "0", "--audit-log", "off", "--idle-timeout", "1s")) {
            Map<String, Object> slow = Map.of(
                    "language",
                    "python",
                    "code",
                    "import time\ntime.sleep(2.5)\nprint('done')",
                    "limits",
                    Map.of("timeoutMs", 10000));
            TestClient.Json r = c.postJson("/api/v1/execute", slow);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().get("stdout").asText()).isEqualTo("done\n");
            String stream = c.post("/api/v1/execute/stream", TestClient.Json.write(slow))
                    .body();
            assertThat(stream)
                    .contains(": keep-alive")
                    .contains("event: result")
                    .contains("done");
        }
    }

    @Test
    void aClientTooSlowToSendItsBodyIsCut() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--audit-log",
                audit.toString(),
                "--request-timeout",
                "1s",
                "--idle-timeout",
                "5s")) {
            try (Socket s = RawHttp.connect(c.service.port())) {
                s.getOutputStream()
                        .write(("POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                                        + "Content-Type: application/json\r\n\r\n{")
                                .getBytes(StandardCharsets.UTF_8));
                long t0 = System.nanoTime();
                s.setSoTimeout(10_000);
                for (int i = 0; i < 20; i++) { // a byte every 200 ms: never idle, always too slow
                    try {
                        s.getOutputStream().write(' ');
                    } catch (IOException closed) {
                        break;
                    }
                    Thread.sleep(200);
                }
                byte[] rest = s.getInputStream().readAllBytes();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).isLessThan(5000);
                assertThat(new String(rest, StandardCharsets.UTF_8)).doesNotContain("\"status\":\"success\"");
            } catch (SocketException reset) {
                // the connection was closed under us: cut, as it should be
            }
            Thread.sleep(500); // a second audit line, if any, would be written by now
            assertThat(c.get("/api/v1/health").statusCode()).isEqualTo(200);
        }
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).hasSize(1);
        assertThat(Http.JSON.readTree(lines.getFirst()).get("outcome").asText()).isEqualTo("rejected:request_timeout");
    }

    @Test
    void clientsThatCloseBeforeTheirLargeResultAreForgotten() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0", "--max-output", "2m")) {
            String body = TestClient.Json.write(Map.of(
                    "language",
                    "python",
                    "code",
                    "print('y' * 1_000_000)",
                    "limits",
                    Map.of("maxOutputSize", 2_000_000)));
            for (int i = 0; i < 8; i++) {
                try (Socket s = RawHttp.connect(c.service.port())) {
                    s.getOutputStream()
                            .write(RawHttp.post("/api/v1/execute", "127.0.0.1", body)
                                    .getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                } // closed without reading
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline
                    && (!Files.exists(audit) || Files.readAllLines(audit).size() < 8)) Thread.sleep(100);
            assertThat(Files.readAllLines(audit)).hasSize(8);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(c) > 0 && System.nanoTime() < until) Thread.sleep(50);
            assertThat(running(c)).isZero();
            assertThat(c.postJson("/api/v1/execute", Map.of("language", "python", "code", "1+1"))
                            .status())
                    .isEqualTo(200);
        }
    }
}
