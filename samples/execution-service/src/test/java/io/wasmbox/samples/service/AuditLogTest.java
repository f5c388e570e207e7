package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines audit trail and its size-based rotation. */
class AuditLogTest {
    @TempDir
    Path dir;

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) out.add(Http.JSON.readTree(line));
        return out;
    }

    @Test
    void recordsEveryExecutionRequestWithoutTheCodeOrApiKey() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        String code = "print('audited')\n1/0";
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "super-secret-key\nother-key\n");
        Map<String, String> other = Map.of("X-API-Key", "other-key");
        try (TestClient c = new TestClient(
                "--audit-log",
                file.toString(),
                "--warmup",
                "false",
                "--rate-limit",
                "0",
                "--api-keys-file",
                keys.toString())) {
            c.post(
                    "/api/v1/execute",
                    TestClient.Json.write(Map.of("language", "python", "code", code)),
                    Map.of("X-API-Key", "super-secret-key"));
            c.post(
                    "/api/v1/execute",
                    TestClient.Json.write(Map.of(
                            "language",
                            "python",
                            "code",
                            "while True: pass",
                            "limits",
                            Map.of("timeoutMs", 100, "maxOutputSize", 5))),
                    other);
            c.post("/api/v1/execute", TestClient.Json.write(Map.of("language", "fortran", "code", "x")), other);
            c.post(
                    "/api/v2/execute",
                    TestClient.Json.write(Map.of(
                            "language",
                            "python",
                            "version",
                            "*",
                            "files",
                            List.of(Map.of("content", "print('x' * 100)")),
                            "run_timeout",
                            2000)),
                    other);
        }
        String raw = Files.readString(file);
        assertThat(raw).doesNotContain("super-secret-key").doesNotContain("audited");
        List<JsonNode> records = lines(file);
        assertThat(records).hasSize(4);

        JsonNode first = records.get(0);
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(first.get("endpoint").asText()).isEqualTo("/api/v1/execute");
        assertThat(first.get("client").asText())
                .isEqualTo("key:" + Sha256.hex("super-secret-key").substring(0, 16));
        assertThat(first.get("language").asText()).isEqualTo("python");
        assertThat(first.get("code_sha256").asText()).isEqualTo(Sha256.hex(code));
        assertThat(first.get("code_bytes").asInt()).isEqualTo(code.length());
        assertThat(first.get("outcome").asText()).isEqualTo("error");
        assertThat(first.get("error_type").asText()).isEqualTo("ZeroDivisionError");
        assertThat(first.get("exit_code").asInt()).isEqualTo(1);
        assertThat(first.get("http_status").asInt()).isEqualTo(200);
        assertThat(first.get("execution_id").asText()).hasSize(36);
        for (String f : List.of("queue_ms", "execution_ms", "total_ms"))
            assertThat(first.get(f).isIntegralNumber()).as(f).isTrue();
        assertThat(first.at("/limits/timeoutMs").asLong()).isEqualTo(5000);
        assertThat(first.get("limits_hit")).isEmpty();

        JsonNode second = records.get(1);
        assertThat(second.get("client").asText())
                .isEqualTo("key:" + Sha256.hex("other-key").substring(0, 16));
        assertThat(second.get("outcome").asText()).isEqualTo("timeout");
        assertThat(second.get("limits_hit").toString()).isEqualTo("[\"timeout\"]");
        assertThat(second.at("/limits/timeoutMs").asLong()).isEqualTo(100);

        JsonNode third = records.get(2);
        assertThat(third.get("outcome").asText()).isEqualTo("rejected:invalid_request");
        assertThat(third.get("http_status").asInt()).isEqualTo(400);
        assertThat(third.get("language").asText()).isEqualTo("fortran");

        JsonNode fourth = records.get(3);
        assertThat(fourth.get("endpoint").asText()).isEqualTo("/api/v2/execute");
        assertThat(fourth.get("outcome").asText()).isEqualTo("success");
    }

    @Test
    void rotatesBySizeKeepingNFiles() throws IOException {
        Path file = dir.resolve("rot.jsonl");
        try (TestClient c = new TestClient(
                "--audit-log",
                file.toString(),
                "--audit-max-size",
                "1k",
                "--audit-keep",
                "2",
                "--warmup",
                "false",
                "--rate-limit",
                "0")) {
            for (int i = 0; i < 12; i++) c.postJson("/api/v1/execute", Map.of("language", "nope" + i, "code", "x"));
        }
        assertThat(Files.exists(file)).isTrue();
        assertThat(Files.exists(dir.resolve("rot.jsonl.1"))).isTrue();
        assertThat(Files.exists(dir.resolve("rot.jsonl.2"))).isTrue();
        assertThat(Files.exists(dir.resolve("rot.jsonl.3"))).isFalse();
        for (Path p : List.of(file, dir.resolve("rot.jsonl.1"), dir.resolve("rot.jsonl.2"))) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(1024);
            assertThat(lines(p)).isNotEmpty();
        }
        // newest last: the current file holds the latest request, .2 older ones than .1
        List<JsonNode> current = lines(file);
        assertThat(current.getLast().get("language").asText()).isEqualTo("nope11");
        String newestInOne =
                lines(dir.resolve("rot.jsonl.1")).getLast().get("language").asText();
        String newestInTwo =
                lines(dir.resolve("rot.jsonl.2")).getLast().get("language").asText();
        assertThat(Integer.parseInt(newestInTwo.substring(4))).isLessThan(Integer.parseInt(newestInOne.substring(4)));
    }

    @Test
    void aBatchIsOneLineListingItsItems() throws IOException {
        Path file = dir.resolve("batch.jsonl");
        try (TestClient c = new TestClient("--audit-log", file.toString(), "--warmup", "false", "--rate-limit", "0")) {
            TestClient.Json r = c.postJson(
                    "/api/v1/execute/batch",
                    Map.of(
                            "requests",
                            List.of(
                                    Map.of("language", "python", "code", "print(1)"),
                                    Map.of("language", "javascript", "code", "throw new Error('x')"))));
            assertThat(r.status()).isEqualTo(200);
        }
        List<JsonNode> records = lines(file);
        assertThat(records).hasSize(1);
        JsonNode batch = records.getFirst();
        assertThat(batch.get("endpoint").asText()).isEqualTo("/api/v1/execute/batch");
        assertThat(batch.get("outcome").asText()).isEqualTo("batch");
        assertThat(batch.get("items")).hasSize(2);
        assertThat(batch.at("/items/0/outcome").asText()).isEqualTo("success");
        assertThat(batch.at("/items/0/code_sha256").asText()).isEqualTo(Sha256.hex("print(1)"));
        assertThat(batch.at("/items/1/outcome").asText()).isEqualTo("error");
        assertThat(batch.at("/items/1/language").asText()).isEqualTo("javascript");
    }
}
