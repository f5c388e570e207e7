package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Wasmbox;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Piston's v2 API contract: the request a Piston client sends, the response shapes it reads. */
class PistonApiTest {
    private final TestClient client = TestClient.shared();

    /** Exactly what the piston-client npm package sends for {@code client.execute('python', code)}. */
    private Map<String, Object> pistonClientBody(String language, String version, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("language", language);
        body.put("version", version);
        body.put("files", List.of(Map.of("content", code)));
        body.put("stdin", "");
        body.put("args", List.of("1", "2", "3"));
        body.put("compile_timeout", 10000);
        body.put("run_timeout", 3000);
        body.put("compile_memory_limit", -1);
        body.put("run_memory_limit", -1);
        return body;
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) keys.add(it.next());
        return keys;
    }

    @Test
    void runtimesHaveLanguageVersionAliases() {
        TestClient.Json r = client.getJson("/api/v2/runtimes");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().isArray()).isTrue();
        assertThat(r.body()).hasSize(Wasmbox.languages().size());
        for (JsonNode rt : r.body()) {
            assertThat(keys(rt)).containsExactly("language", "version", "aliases");
            assertThat(rt.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(rt.get("aliases").isArray()).isTrue();
        }
        JsonNode python = null;
        for (JsonNode rt : r.body()) if (rt.get("language").asText().equals("python")) python = rt;
        assertThat(python).isNotNull();
        assertThat(python.get("version").asText()).startsWith("3.13.");
        assertThat(python.get("aliases").toString()).contains("\"py\"").contains("\"python3\"");
    }

    @Test
    void pistonClientFlowWorksUnchanged() {
        // runtimes() then execute(): the client picks the latest version of the language from the list
        String version = null;
        for (JsonNode rt : client.getJson("/api/v2/runtimes").body()) {
            if (rt.get("language").asText().equals("python"))
                version = rt.get("version").asText();
        }
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                pistonClientBody("python", version, "import sys\nprint('Hello World!')\nprint(sys.argv[1:])"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(keys(r.body())).containsExactly("language", "version", "run");
        assertThat(r.body().get("language").asText()).isEqualTo("python");
        assertThat(r.body().get("version").asText()).isEqualTo(version);
        JsonNode run = r.body().get("run");
        assertThat(keys(run))
                .containsExactly(
                        "stdout",
                        "stderr",
                        "code",
                        "signal",
                        "output",
                        "memory",
                        "message",
                        "status",
                        "cpu_time",
                        "wall_time");
        assertThat(run.get("stdout").asText()).isEqualTo("Hello World!\n['1', '2', '3']\n");
        assertThat(run.get("stderr").asText()).isEmpty();
        assertThat(run.get("output").asText()).isEqualTo(run.get("stdout").asText());
        assertThat(run.get("code").asInt()).isZero();
        assertThat(run.get("signal").isNull()).isTrue();
        assertThat(run.get("status").isNull()).isTrue();
        assertThat(run.get("message").isNull()).isTrue();
    }

    @Test
    void versionRangesAndAliasesResolve() {
        for (String v : List.of("*", "3", "3.x", "3.13", "3.13.x", "^3", "~3.13")) {
            TestClient.Json r = client.postJson(
                    "/api/v2/execute",
                    Map.of(
                            "language",
                            "py",
                            "version",
                            v,
                            "files",
                            List.of(Map.of("name", "main.py", "content", "print('ok')"))));
            assertThat(r.status()).as(v + " " + r).isEqualTo(200);
            assertThat(r.body().at("/run/stdout").asText()).isEqualTo("ok\n");
            assertThat(r.body().get("language").asText()).isEqualTo("python");
        }
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                Map.of("language", "python", "version", "2.7.0", "files", List.of(Map.of("content", "print 1"))));
        assertThat(r.status()).isEqualTo(400);
        assertThat(keys(r.body())).containsExactly("message");
        assertThat(r.body().get("message").asText()).isEqualTo("python-2.7.0 runtime is unknown");
    }

    @Test
    void errorsAreRunResultsWithOutputInterleaved() {
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(
                                Map.of(
                                        "name",
                                        "boom.py",
                                        "content",
                                        "import sys\nprint('out1', flush=True)\nprint('err1', file=sys.stderr, flush=True)\nprint('out2', flush=True)\n1/0"))));
        JsonNode run = r.body().get("run");
        assertThat(run.get("code").asInt()).isEqualTo(1);
        assertThat(run.get("status").asText()).isEqualTo("RE");
        assertThat(run.get("message").asText()).isEqualTo("Exited with error status 1");
        assertThat(run.get("stdout").asText()).isEqualTo("out1\nout2\n");
        assertThat(run.get("stderr").asText())
                .startsWith("err1\n")
                .contains("ZeroDivisionError")
                .contains("boom.py");
        assertThat(run.get("output").asText()).startsWith("out1\nerr1\nout2\n");
    }

    @Test
    void timeoutIsKilledWithSigkill() {
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "run_timeout",
                        250,
                        "files",
                        List.of(Map.of("content", "while True: pass"))));
        JsonNode run = r.body().get("run");
        assertThat(run.get("code").isNull()).isTrue();
        assertThat(run.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(run.get("status").asText()).isEqualTo("TO");
    }

    @Test
    void stdinGetsATrailingNewlineAndBase64FilesDecode() {
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "stdin",
                        "abc",
                        "files",
                        List.of(
                                Map.of(
                                        "name",
                                        "data.bin",
                                        "content",
                                        Base64.getEncoder().encodeToString(new byte[] {1, 2}),
                                        "encoding",
                                        "base64"),
                                Map.of("name", "main.py", "content", "import sys\nprint(repr(sys.stdin.read()))"))));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().at("/run/stdout").asText()).isEqualTo("'abc\\n'\n");
    }

    @Test
    void validationMessagesMatchPiston() {
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("version", "*", "files", List.of()), "language is required as a string");
        cases.put(Map.of("language", "python", "files", List.of()), "version is required as a string");
        cases.put(Map.of("language", "python", "version", "*"), "files is required as an array");
        cases.put(
                Map.of("language", "python", "version", "*", "files", List.of(Map.of("name", "x"))),
                "files[0].content is required as a string");
        cases.put(
                Map.of("language", "cobol", "version", "*", "files", List.of(Map.of("content", "x"))),
                "cobol-* runtime is unknown");
        cases.put(
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(Map.of("content", "eA==", "encoding", "base64"))),
                "files must include at least one utf8 encoded file");
        cases.put(
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(Map.of("content", "1")),
                        "run_timeout",
                        "fast"),
                "If specified, run_timeout must be a number");
        cases.put(
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(Map.of("content", "1")),
                        "run_timeout",
                        999999),
                "run_timeout cannot exceed the configured limit of 10000");
        cases.put(
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(Map.of("content", "1")),
                        "run_timeout",
                        -5),
                "run_timeout must be non-negative");
        cases.put(
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "files",
                        List.of(Map.of("content", "1")),
                        "run_memory_limit",
                        1L << 40),
                "run_memory_limit cannot exceed the configured limit of 268435456");
        cases.forEach((body, message) -> {
            TestClient.Json r = client.postJson("/api/v2/execute", body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.body().get("message").asText()).isEqualTo(message);
        });
    }

    @Test
    void nonJsonBodyWithNonJsonContentTypeIs415() {
        TestClient.Json r = TestClient.Json.of(client.send(HttpRequest.newBuilder(client.uri("/api/v2/execute"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("language=python&version=*"))
                .build()));
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.body().get("message").asText()).isEqualTo("requests must be of type application/json");
    }

    @Test
    void jsonSentAsTextPlainIsAcceptedAsThePistonClientPackageSendsIt() {
        // piston-client posts JSON.stringify(body) through node-fetch without a Content-Type: text/plain
        TestClient.Json r = TestClient.Json.of(client.send(HttpRequest.newBuilder(client.uri("/api/v2/execute"))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(
                        TestClient.Json.write(pistonClientBody("python", "3.13.0", "print('plain')"))))
                .build()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().at("/run/stdout").asText()).isEqualTo("plain\n");
    }

    @Test
    void malformedJsonIs400InPistonShape() {
        TestClient.Json r = TestClient.Json.of(client.post("/api/v2/execute", "{\"language\": "));
        assertThat(r.status()).isEqualTo(400);
        assertThat(keys(r.body())).containsExactly("message");
        assertThat(r.body().get("message").asText()).contains("malformed JSON");
    }

    @Test
    void memoryLimitInBytesIsApplied() {
        TestClient.Json r = client.postJson(
                "/api/v2/execute",
                Map.of(
                        "language",
                        "python",
                        "version",
                        "*",
                        "run_memory_limit",
                        48L << 20,
                        "files",
                        List.of(Map.of("content", "x = bytearray(100 * 1024 * 1024)"))));
        JsonNode run = r.body().get("run");
        assertThat(run.get("code").asInt()).as(r.toString()).isEqualTo(1);
        assertThat(run.get("stderr").asText()).contains("MemoryError");
        assertThat(run.get("memory").asLong()).isLessThanOrEqualTo(48L << 20);
    }
}
