package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity, origin, audit and error-message defences against clients that lie or attack (issue 14). */
class HostileClientTest {
    private static final String HELLO = "{\"language\": \"python\", \"code\": \"print(1)\"}";

    @TempDir
    Path dir;

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file)) out.add(Http.JSON.readTree(line));
        return out;
    }

    @Test
    void forwardedForIsReadOnlyFromTrustedProxiesRightMostUntrustedHop() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--trust-proxy",
                "127.0.0.1, 10.9.0.0/16",
                "--audit-log",
                audit.toString(),
                "--warmup",
                "false",
                "--rate-limit",
                "60",
                "--rate-burst",
                "2")) {
            // the client wrote "6.6.6.<i>"; our proxies appended 203.0.113.7 (the real peer) then 10.9.1.1
            for (int i = 0; i < 3; i++) {
                int status = c.post(
                                "/api/v1/execute",
                                HELLO,
                                Map.of("X-Forwarded-For", "6.6.6." + i + ", 203.0.113.7, 10.9.1.1"))
                        .statusCode();
                assertThat(status)
                        .as("request %d", i)
                        .isEqualTo(i < 2 ? 200 : 429); // one bucket: forging the left is useless
            }
            // another real client behind the same proxy has its own bucket
            assertThat(c.post("/api/v1/execute", HELLO, Map.of("X-Forwarded-For", "198.51.100.2"))
                            .statusCode())
                    .isEqualTo(200);
            // garbage in the chain: the nearest trusted hop is the identity, never the garbage
            c.post("/api/v1/execute", HELLO, Map.of("X-Forwarded-For", "1.2.3.4, not-an-ip, 10.9.1.1"));
        }
        List<JsonNode> records = lines(audit);
        assertThat(records)
                .extracting(r -> r.get("client").asText())
                .containsExactly(
                        "ip:203.0.113.7", "ip:203.0.113.7", "ip:203.0.113.7", "ip:198.51.100.2", "ip:10.9.1.1");
    }

    @Test
    void forwardedForIsIgnoredWithoutTrustedProxies() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient("--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0")) {
            c.post("/api/v1/execute", HELLO, Map.of("X-Forwarded-For", "6.6.6.6"));
        }
        assertThat(lines(audit).getFirst().get("client").asText()).isEqualTo("ip:127.0.0.1");
    }

    @Test
    void originIsCheckedAgainstConfiguredOriginsNotTheHostHeader() {
        try (TestClient c = new TestClient("--warmup", "false", "--rate-limit", "0", "--audit-log", "off")) {
            int port = c.service.port();
            // DNS rebinding: evil.example resolves to this service; the page's Origin matches the Host it sends
            RawHttp.Response rebinding = RawHttp.exchange(
                    port,
                    RawHttp.post(
                            "/api/v1/execute", "evil.example:" + port, HELLO, "Origin: http://evil.example:" + port));
            assertThat(rebinding.status()).isEqualTo(403);
            assertThat(rebinding.body()).contains("cross_origin");
            // the service's own origin (the playground) still works, whatever Host says
            assertThat(RawHttp.exchange(
                                    port,
                                    RawHttp.post(
                                            "/api/v1/execute",
                                            "127.0.0.1:" + port,
                                            HELLO,
                                            "Origin: http://localhost:" + port))
                            .status())
                    .isEqualTo(200);
            assertThat(RawHttp.exchange(
                                    port, RawHttp.post("/api/v1/execute", "127.0.0.1:" + port, HELLO, "Origin: null"))
                            .status())
                    .isEqualTo(403);
        }
        try (TestClient c = new TestClient(
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--audit-log",
                "off",
                "--public-origin",
                "https://run.example.org")) {
            int port = c.service.port();
            assertThat(RawHttp.exchange(
                                    port,
                                    RawHttp.post(
                                            "/api/v1/execute",
                                            "run.example.org",
                                            HELLO,
                                            "Origin: https://run.example.org"))
                            .status())
                    .isEqualTo(200);
            assertThat(RawHttp.exchange(
                                    port,
                                    RawHttp.post(
                                            "/api/v1/execute",
                                            "127.0.0.1:" + port,
                                            HELLO,
                                            "Origin: http://127.0.0.1:" + port))
                            .status())
                    .isEqualTo(403);
        }
    }

    @Test
    void badInputIsATyped4xxNamingNoInternalClassAndEachLeavesOneAuditLine() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        List<String> bodies = List.of(
                "{",
                "[".repeat(5000),
                "{\"language\": \"python\", \"code\": \"1\", \"code\": \"2\"}",
                "{\"language\": \"python\", \"code\": 5}",
                "{\"language\": \"python\", \"code\": \"1\", \"limits\": {\"timeoutMs\": 1e400}}",
                "{\"language\": \"python\", \"code\": \"1\", \"limits\": {\"timeoutMs\": \"soon\"}}",
                "{\"language\": \"python\", \"code\": \"1\", \"env\": {\"A\": \"x\\u0000y\"}}",
                "{\"language\": \"python\", \"code\": \"1\", \"env\": {\"A\\u0000\": \"x\"}}",
                "{\"language\": \"python\", \"code\": \"1\", \"args\": [\"a\\u0000\"]}",
                "{\"language\": \"python\", \"code\": \"1\"} trailing",
                "\"just a string\"",
                "{\"language\": \"" + "x".repeat(200_000) + "\", \"code\": \"1\"}");
        int requests = 0;
        try (TestClient c = new TestClient("--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0")) {
            for (String body : bodies) {
                TestClient.Json r = TestClient.Json.of(c.post("/api/v1/execute", body));
                requests++;
                assertThat(r.status())
                        .as(body.substring(0, Math.min(60, body.length())))
                        .isBetween(400, 499);
                String message = r.body().get("message").asText();
                assertThat(message)
                        .as(body.substring(0, Math.min(60, body.length())))
                        .doesNotContain("com.fasterxml")
                        .doesNotContainIgnoringCase("jackson")
                        .doesNotContain("Exception")
                        .doesNotContain("java.");
                assertThat(message.length()).isLessThan(600);
            }
            // a NUL in a batch item's env is the batch's 400, never "internal error: IllegalArgumentException"
            TestClient.Json batch = TestClient.Json.of(c.post(
                    "/api/v1/execute/batch",
                    "{\"requests\": [{\"language\": \"python\", \"code\": \"1\", \"env\": {\"A\": \"\\u0000\"}}]}"));
            requests++;
            assertThat(batch.status()).isEqualTo(400);
            assertThat(batch.body().get("message").asText()).contains("NUL").doesNotContain("internal");
            // Piston: a blank version, a NUL in stdin's neighbour fields
            for (String body : List.of(
                    "{\"language\": \"python\", \"version\": \" \", \"files\": [{\"content\": \"1\"}]}",
                    "{\"language\": \"python\", \"version\": \"^\", \"files\": [{\"content\": \"1\"}]}",
                    "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"1\"}], \"args\": [\"\\u0000\"]}")) {
                TestClient.Json r = TestClient.Json.of(c.post("/api/v2/execute", body));
                requests++;
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.body().get("message").asText()).doesNotContain("Exception");
            }
            // refused by the router: also one line each
            c.get("/api/v1/nope");
            c.send(HttpRequest.newBuilder(c.uri("/api/v1/execute")).DELETE().build());
            requests += 2;
        }
        String raw = Files.readString(audit);
        List<JsonNode> records = lines(audit);
        assertThat(records).hasSize(requests);
        for (String line : raw.split("\n")) assertThat(line.length()).isLessThanOrEqualTo(AuditLog.MAX_LINE);
        assertThat(raw).contains("...[+"); // the 200k language, cut with a marker
        assertThat(records)
                .allSatisfy(r -> assertThat(r.get("http_status").asInt()).isBetween(400, 499));
    }

    @Test
    void lineSeparatorsAreEscapedSoEveryRecordIsOneLine() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        String language = "py\u2028thon\u2029x\u0085y\r\nz";
        try (TestClient c = new TestClient("--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0")) {
            c.postJson("/api/v1/execute", Map.of("language", language, "code", "1"));
            c.postJson("/api/v1/execute", Map.of("language", "python", "code", "1"));
        }
        String raw = Files.readString(audit, StandardCharsets.UTF_8);
        assertThat(raw)
                .doesNotContain("\u2028")
                .doesNotContain("\u2029")
                .doesNotContain("\u0085")
                .doesNotContain("\r");
        // split as a JavaScript or Python reader would: on every line terminator they know
        String[] parts = raw.split("\r\n|[\n\r\u2028\u2029\u0085]");
        assertThat(parts).hasSize(2);
        assertThat(Http.JSON.readTree(parts[0]).get("language").asText()).isEqualTo(language);
    }

    @Test
    void oneClientsFloodCannotRotateAnotherClientsRecordsOut() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient(
                "--audit-log",
                audit.toString(),
                "--audit-max-size",
                "8k",
                "--audit-keep",
                "1",
                "--audit-client-budget",
                "4k",
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--trust-proxy",
                "127.0.0.1")) {
            c.post("/api/v1/execute", HELLO, Map.of("X-Forwarded-For", "198.51.100.1")); // the victim's run
            String big = "{\"language\": \"" + "x".repeat(500_000) + "\", \"code\": \"1\"}";
            for (int i = 0; i < 60; i++) {
                assertThat(c.post("/api/v1/execute", big, Map.of("X-Forwarded-For", "203.0.113.66"))
                                .statusCode())
                        .isEqualTo(400);
            }
        }
        List<JsonNode> kept = new ArrayList<>(lines(audit));
        kept.addAll(lines(dir.resolve("audit.jsonl.1")));
        assertThat(kept).anySatisfy(r -> {
            assertThat(r.get("client").asText()).isEqualTo("ip:198.51.100.1");
            assertThat(r.get("outcome").asText()).isEqualTo("success");
        });
        // the attacker's records beyond its budget went to the overflow file, marked
        List<JsonNode> overflow = lines(dir.resolve("audit.jsonl.overflow"));
        assertThat(overflow).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("client").asText()).isEqualTo("ip:203.0.113.66");
            assertThat(r.get("over_budget").asBoolean()).isTrue();
        });
        long attackerInMain = kept.stream()
                .filter(r -> r.get("client").asText().equals("ip:203.0.113.66"))
                .count();
        assertThat(attackerInMain + overflow.size())
                .as("every request has its line")
                .isLessThanOrEqualTo(60);
        assertThat(attackerInMain).isLessThan(20);
    }

    @Test
    void requestsJettyRefusesItselfGetJsonNamingNoServerAndAnAuditLine() throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient("--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0")) {
            int port = c.service.port();
            RawHttp.Response huge = RawHttp.exchange(
                    port,
                    "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000)
                            + "\r\nConnection: close\r\n\r\n");
            assertThat(huge.status()).isEqualTo(431);
            RawHttp.Response garbage = RawHttp.exchange(port, "FOO /\u0001 HTTP/9.9\r\n\r\n");
            assertThat(garbage.status()).isEqualTo(400);
            for (RawHttp.Response r : List.of(huge, garbage)) {
                assertThat(r.body())
                        .contains("\"error\"")
                        .doesNotContainIgnoringCase("jetty")
                        .doesNotContain("eclipse");
                assertThat(r.head()).doesNotContainIgnoringCase("jetty").doesNotContainIgnoringCase("Server:");
            }
            HttpResponseCheck.ok(c);
        }
        List<JsonNode> records = lines(audit);
        assertThat(records).extracting(r -> r.get("http_status").asInt()).contains(431, 400);
    }

    @Test
    void aClientLeavingHalfwayThroughItsBodyLeavesExactlyOneAuditLine() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (TestClient c = new TestClient("--audit-log", audit.toString(), "--warmup", "false", "--rate-limit", "0")) {
            try (Socket s = RawHttp.connect(c.service.port())) {
                s.getOutputStream()
                        .write(("POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        + "Content-Length: 1000\r\n\r\n{\"language\": ")
                                .getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                Thread.sleep(300);
            } // gone, 990 bytes short
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && lines(audit).isEmpty()) Thread.sleep(50);
            Thread.sleep(500); // a second line, if any, would be written by now
            assertThat(c.get("/api/v1/health").statusCode()).isEqualTo(200);
        }
        List<JsonNode> records = lines(audit);
        assertThat(records).hasSize(1);
        assertThat(records.getFirst().get("outcome").asText()).isEqualTo("rejected:client_gone");
    }

    /** The service still answers after the refusals. */
    private static final class HttpResponseCheck {
        static void ok(TestClient c) {
            assertThat(c.get("/api/v1/health").statusCode()).isEqualTo(200);
        }
    }
}
