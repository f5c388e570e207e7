package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Wasmbox;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /api/v1/execute: results, guest failures, limits, and every refusal. */
class ExecuteApiTest {
    private final TestClient client = TestClient.shared();

    private TestClient.Json run(Map<String, Object> body) {
        return client.postJson("/api/v1/execute", body);
    }

    @Test
    void runsPythonWithStdinArgsAndEnv() {
        TestClient.Json r = run(Map.of(
                "language",
                "python",
                "code",
                "import sys, os\nprint(input().upper())\nprint(sys.argv[1:], os.environ.get('GREETING'))\n6 * 7",
                "stdin",
                "hello\n",
                "args",
                List.of("a", "b"),
                "env",
                Map.of("GREETING", "hi")));
        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.get("status").asText()).isEqualTo("success");
        assertThat(b.get("stdout").asText()).isEqualTo("HELLO\n['a', 'b'] hi\n");
        assertThat(b.get("stderr").asText()).isEmpty();
        assertThat(b.get("exit_code").asInt()).isZero();
        assertThat(b.get("value").asInt()).isEqualTo(42);
        assertThat(b.get("error").isNull()).isTrue();
        assertThat(b.get("execution_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(b.get("execution_time_ms").isIntegralNumber()).isTrue();
        assertThat(b.get("memory_used_mb").asDouble()).isPositive();
        JsonNode meta = b.get("metadata");
        assertThat(meta.get("timeout_hit").asBoolean()).isFalse();
        assertThat(meta.get("memory_limit_hit").asBoolean()).isFalse();
        assertThat(meta.get("output_truncated").asBoolean()).isFalse();
        assertThat(meta.get("runtime").asText()).isEqualTo("Wasmbox CPython");
        assertThat(meta.get("version").asText()).startsWith("3.13");
    }

    @Test
    void languageAliasesWork() {
        TestClient.Json r = run(Map.of("language", "py", "code", "print('alias')"));
        assertThat(r.body().get("stdout").asText()).isEqualTo("alias\n");
        assertThat(r.body().get("language").asText()).isEqualTo("python");
    }

    @Test
    void guestErrorIsAResultWithTracebackAndLine() {
        TestClient.Json r = run(Map.of("language", "python", "code", "x = 1\ny = x / 0\n"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("error");
        assertThat(r.body().get("exit_code").asInt()).isEqualTo(1);
        JsonNode e = r.body().get("error");
        assertThat(e.get("type").asText()).isEqualTo("ZeroDivisionError");
        assertThat(e.get("message").asText()).contains("division by zero");
        assertThat(e.get("traceback").asText()).contains("ZeroDivisionError");
        assertThat(e.get("line").asInt()).isEqualTo(2);
    }

    @Test
    void exitCodeIsReported() {
        TestClient.Json r = run(Map.of("language", "python", "code", "import sys\nprint('bye')\nsys.exit(3)"));
        assertThat(r.body().get("status").asText()).isEqualTo("error");
        assertThat(r.body().get("exit_code").asInt()).isEqualTo(3);
        assertThat(r.body().get("stdout").asText()).isEqualTo("bye\n");
    }

    @Test
    void timeoutIsAResult() {
        TestClient.Json r = run(Map.of(
                "language",
                "python",
                "code",
                "print('start', flush=True)\nwhile True: pass",
                "limits",
                Map.of("timeoutMs", 300)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("timeout");
        assertThat(r.body().get("exit_code").asInt()).isEqualTo(124);
        assertThat(r.body().get("metadata").get("timeout_hit").asBoolean()).isTrue();
        assertThat(r.body().get("error").get("type").asText()).isEqualTo("Timeout");
        assertThat(r.body().get("stdout").asText()).isEqualTo("start\n");
    }

    @Test
    void memoryLimitIsAResult() {
        TestClient.Json r = run(Map.of(
                "language", "python", "code", "x = bytearray(200 * 1024 * 1024)", "limits", Map.of("maxMemoryMB", 64)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("memory_limit");
        assertThat(r.body().get("metadata").get("memory_limit_hit").asBoolean()).isTrue();
        assertThat(r.body().get("memory_used_mb").asDouble()).isLessThanOrEqualTo(64);
    }

    @Test
    void outputIsCutAtTheRequestedSize() {
        TestClient.Json r =
                run(Map.of("language", "python", "code", "print('x' * 1000)", "limits", Map.of("maxOutputSize", 10)));
        assertThat(r.body().get("status").asText()).isEqualTo("success");
        assertThat(r.body().get("stdout").asText()).hasSize(10);
        assertThat(r.body().get("metadata").get("output_truncated").asBoolean()).isTrue();
    }

    @Test
    void guestsSeeTheRealClockByDefault() {
        TestClient.Json r = run(Map.of("language", "python", "code", "import time\ntime.time()"));
        assertThat(r.body().get("value").asDouble()).isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);
    }

    @Test
    void frozenClockAndSeededRandomnessOnRequest() {
        try (TestClient frozen = new TestClient("--realtime", "false", "--audit-log", "off", "--warmup", "false")) {
            Map<String, Object> body =
                    Map.of("language", "python", "code", "import random, time\n[random.random(), time.time()]");
            JsonNode a = frozen.postJson("/api/v1/execute", body).body().get("value");
            JsonNode b = frozen.postJson("/api/v1/execute", body).body().get("value");
            assertThat(a).isEqualTo(b);
            assertThat(a.get(1).asDouble()).isEqualTo(1704067200.0); // SandboxOptions.DEFAULT_INSTANT
            assertThat(frozen.getJson("/api/v1/config")
                            .body()
                            .at("/service/realtime")
                            .asBoolean())
                    .isFalse();
        }
    }

    @Test
    void javascriptRunsWhenItsEngineIsPresent() {
        for (String lang : List.of("javascript", "typescript")) {
            if (Wasmbox.findLanguage(lang).isEmpty()) continue;
            TestClient.Json r = run(Map.of("language", lang, "code", "console.log('from ' + 'js'); 20 + 22"));
            assertThat(r.body().get("status").asText()).as(r.toString()).isEqualTo("success");
            assertThat(r.body().get("stdout").asText()).isEqualTo("from js\n");
            assertThat(r.body().get("value").asInt()).isEqualTo(42);
        }
    }

    // ---- refusals --------------------------------------------------------------------------------------

    private void assertError(TestClient.Json r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body().get("status").asInt()).isEqualTo(status);
        assertThat(r.body().get("error").asText()).isEqualTo(code);
        assertThat(r.body().get("message").asText()).contains(messagePart);
    }

    @Test
    void malformedJsonIs400() {
        assertError(
                TestClient.Json.of(client.post("/api/v1/execute", "{\"language\": \"python\", \"code\": ")),
                400,
                "invalid_request",
                "malformed JSON");
        assertError(TestClient.Json.of(client.post("/api/v1/execute", "")), 400, "invalid_request", "empty");
        assertError(
                TestClient.Json.of(client.post("/api/v1/execute", "[1, 2]")), 400, "invalid_request", "JSON object");
        assertError(
                TestClient.Json.of(
                        client.post("/api/v1/execute", "{\"code\": \"1\", \"code\": \"2\", \"language\": \"python\"}")),
                400,
                "invalid_request",
                "Duplicate field");
    }

    @Test
    void missingOrWrongFieldsAre400() {
        assertError(run(Map.of("language", "python")), 400, "invalid_request", "missing required field 'code'");
        assertError(run(Map.of("code", "print(1)")), 400, "invalid_request", "missing required field 'language'");
        assertError(run(Map.of("language", "python", "code", "   ")), 400, "invalid_request", "code is empty");
        assertError(run(Map.of("language", "python", "code", 12)), 400, "invalid_request", "'code' must be a string");
        assertError(
                run(Map.of("language", "python", "code", "1", "args", "x")),
                400,
                "invalid_request",
                "'args' must be an array");
        assertError(
                run(Map.of("language", "python", "code", "1", "env", Map.of("A", 1))),
                400,
                "invalid_request",
                "'env.A' must be a string");
        assertError(
                run(Map.of("language", "python", "code", "1", "timeout", 5)),
                400,
                "invalid_request",
                "unknown field 'timeout'");
        assertError(run(Map.of("language", "python", "code", "print('a\u0000b')")), 400, "invalid_request", "NUL");
    }

    @Test
    void unknownLanguageIs400ListingTheAvailableOnes() {
        assertError(
                run(Map.of("language", "cobol", "code", "DISPLAY 'HI'")),
                400,
                "invalid_request",
                "unknown language 'cobol'");
        assertThat(run(Map.of("language", "cobol", "code", "x"))
                        .body()
                        .get("message")
                        .asText())
                .contains("python");
    }

    @Test
    void limitsOutOfRangeAre400() {
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("timeoutMs", 0))),
                400,
                "invalid_request",
                "'limits.timeoutMs' must be between 1 and 10000, got 0");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("timeoutMs", 10001))),
                400,
                "invalid_request",
                "'limits.timeoutMs' must be between 1 and 10000");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("maxMemoryMB", 257))),
                400,
                "invalid_request",
                "'limits.maxMemoryMB' must be between");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("maxMemoryMB", 1))),
                400,
                "invalid_request",
                "'limits.maxMemoryMB' must be between");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("maxOutputSize", -1))),
                400,
                "invalid_request",
                "'limits.maxOutputSize' must be between 0 and 1048576");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("timeoutMs", 1.5))),
                400,
                "invalid_request",
                "must be an integer");
        assertError(
                run(Map.of("language", "python", "code", "1", "limits", Map.of("cpu", 1))),
                400,
                "invalid_request",
                "unknown field 'limits.cpu'");
    }

    @Test
    void codeOverTheCapIs413() {
        assertError(
                run(Map.of("language", "python", "code", "#" + "x".repeat(3000))),
                413,
                "code_too_large",
                "over the limit of 2048 bytes");
    }

    @Test
    void bodyOverTheCapIs413() {
        String body = "{\"language\": \"python\", \"code\": \"1\", \"stdin\": \"" + "x".repeat(70 * 1024) + "\"}";
        assertError(
                TestClient.Json.of(client.post("/api/v1/execute", body)),
                413,
                "payload_too_large",
                "request body is larger");
    }

    @Test
    void crossOriginBrowserPostsAre403() {
        String body = TestClient.Json.write(Map.of("language", "python", "code", "print(1)"));
        TestClient.Json r =
                TestClient.Json.of(client.post("/api/v1/execute", body, Map.of("Origin", "https://evil.example")));
        assertError(r, 403, "cross_origin", "cross-origin");
        String self = client.service.url();
        assertThat(client.post("/api/v1/execute", body, Map.of("Origin", self)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        assertError(client.getJson("/api/v1/nope"), 404, "not_found", "/api/v1/nope");
        TestClient.Json r = client.getJson("/api/v1/execute");
        assertError(r, 405, "method_not_allowed", "GET is not allowed");
        assertThat(r.response().headers().firstValue("Allow")).hasValue("POST");
        TestClient.Json d = TestClient.Json.of(client.send(
                HttpRequest.newBuilder(client.uri("/api/v1/health")).DELETE().build()));
        assertError(d, 405, "method_not_allowed", "DELETE");
        assertThat(d.response().headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
}
