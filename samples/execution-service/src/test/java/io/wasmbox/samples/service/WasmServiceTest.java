package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.wasm.CompileResult;
import io.wasmbox.wasm.SandboxedCompiler;
import io.wasmbox.wasm.Toolchain;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wasm, rust and c languages and the CPU-time limit through the v1 and Piston APIs. */
class WasmServiceTest {
    /** Modules are binaries in base64: this service accepts 256 KiB of code (the shared test one only 2 KiB). */
    private static TestClient client;

    @org.junit.jupiter.api.BeforeAll
    static void start() {
        client = new TestClient(
                "--rate-limit",
                "100000",
                "--rate-burst",
                "100000",
                "--max-code",
                "256k",
                "--max-body",
                "512k",
                "--max-timeout",
                "30s");
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void aWasmModuleInBase64Runs() throws Exception {
        assertThat(SandboxedCompiler.unavailableReason(Toolchain.C))
                .as(Toolchain.C.install())
                .isNull();
        CompileResult compiled = new SandboxedCompiler(Toolchain.C)
                .compile(
                        "#include <stdio.h>\nint main(int argc, char **argv) { char s[32]; if (!fgets(s, 32, stdin)) return 9;"
                                + " printf(\"%s:%s\", argv[1], s); return 0; }\n");
        assertThat(compiled.succeeded()).as(compiled.diagnostics()).isTrue();
        TestClient.Json r = client.postJson(
                "/api/v1/execute",
                Map.of(
                        "language",
                        "wasm",
                        "code",
                        Base64.getEncoder().encodeToString(compiled.module()),
                        "stdin",
                        "in\n",
                        "args",
                        List.of("a")));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().path("status").asText()).isEqualTo("success");
        assertThat(r.body().path("stdout").asText()).isEqualTo("a:in\n");
        TestClient.Json bad = client.postJson("/api/v1/execute", Map.of("language", "wasm", "code", "aGVsbG8="));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().toString()).contains("not a WebAssembly module");
    }

    /** A module is not source: the code cap does not apply to it, the body cap does (a Rust hello is ~118 KB of base64). */
    @Test
    void aModuleLargerThanTheCodeCapRunsUpToTheBodyCap() throws Exception {
        CompileResult compiled = new SandboxedCompiler(Toolchain.RUST).compile("fn main() { println!(\"hi\"); }\n");
        assertThat(compiled.succeeded()).as(compiled.diagnostics()).isTrue();
        String module = Base64.getEncoder().encodeToString(compiled.module());
        try (TestClient small = new TestClient("--max-code", "2k", "--max-body", "512k")) {
            assertThat(module.length())
                    .as("the module's base64")
                    .isGreaterThan(2048)
                    .isLessThan(512 * 1024 - 100);
            TestClient.Json r = small.postJson("/api/v1/execute", Map.of("language", "wasm", "code", module));
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().path("stdout").asText()).isEqualTo("hi\n");
            String source = "x = 1\n".repeat(500);
            TestClient.Json tooLong = small.postJson("/api/v1/execute", Map.of("language", "python", "code", source));
            assertThat(tooLong.status()).as("source stays under --max-code").isEqualTo(413);
            TestClient.Json tooBig =
                    small.postJson("/api/v1/execute", Map.of("language", "wasm", "code", "A".repeat(600_000)));
            assertThat(tooBig.status()).as("a module over the body cap").isEqualTo(413);
        }
    }

    @Test
    void rustAndCCompileAndRunAndDiagnosticsAreTheCompileError() {
        TestClient.Json rust = client.postJson(
                "/api/v1/execute", Map.of("language", "rust", "code", "fn main() { println!(\"{}\", 6 * 7); }\n"));
        assertThat(rust.body().path("stdout").asText())
                .as(rust.body().toString())
                .isEqualTo("42\n");
        TestClient.Json broken = client.postJson(
                "/api/v1/execute", Map.of("language", "c", "code", "int main(void) { return missing; }\n"));
        assertThat(broken.body().path("status").asText()).isEqualTo("error");
        assertThat(broken.body().path("error").path("type").asText()).isEqualTo("CompileError");
        assertThat(broken.body().path("error").path("message").asText()).contains("missing");
        TestClient.Json runtimes = client.getJson("/api/v2/runtimes");
        assertThat(runtimes.body().toString())
                .contains("\"wasm\"")
                .contains("\"rust\"")
                .contains("\"c\"");
    }

    @Test
    void cpuTimeMsStopsABusyLoop() {
        TestClient.Json r = client.postJson(
                "/api/v1/execute",
                Map.of(
                        "language",
                        "python",
                        "code",
                        "while True: pass",
                        "limits",
                        Map.of("cpuTimeMs", 300, "timeoutMs", 20000)));
        assertThat(r.body().path("status").asText()).as(r.body().toString()).isEqualTo("timeout");
        assertThat(r.body().path("metadata").path("cpu_time_limit_hit").asBoolean())
                .isTrue();
        assertThat(r.body().path("metadata").path("timeout_hit").asBoolean()).isFalse();
        assertThat(r.body().path("metadata").path("cpu_time_ms").asLong()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void pistonRunCpuTimeAndCompileStage() {
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("language", "js");
        loop.put("version", "*");
        loop.put("files", List.of(Map.of("content", "for (;;) {}")));
        loop.put("run_cpu_time", 300);
        loop.put("run_timeout", 20000);
        TestClient.Json r = client.postJson("/api/v2/execute", loop);
        assertThat(r.body().path("run").path("status").asText())
                .as(r.body().toString())
                .isEqualTo("TO");
        assertThat(r.body().path("run").path("message").asText()).contains("CPU time");
        assertThat(r.body().path("run").path("signal").asText()).isEqualTo("SIGKILL");

        Map<String, Object> broken = new LinkedHashMap<>();
        broken.put("language", "rust");
        broken.put("version", "*");
        broken.put("files", List.of(Map.of("name", "main.rs", "content", "fn main() { let x: u8 = \"s\"; }")));
        TestClient.Json c = client.postJson("/api/v2/execute", broken);
        assertThat(c.body().path("compile").path("code").asInt())
                .as(c.body().toString())
                .isEqualTo(1);
        assertThat(c.body().path("compile").path("stderr").asText()).contains("mismatched types");
    }
}
