package io.wasmbox.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.wasm.CompileResult;
import io.wasmbox.wasm.SandboxedCompiler;
import io.wasmbox.wasm.Toolchain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmbox run prog.wasm args}, {@code run main.rs}, {@code run main.c}, {@code --cpu-time}. */
class WasmCliTest {
    private static final String ECHO_C = """
            #include <stdio.h>
            #include <stdlib.h>
            int main(int argc, char **argv) {
                char line[64];
                if (!fgets(line, sizeof line, stdin)) line[0] = 0;
                printf("%s|%s|%s", argv[1], getenv("WHO"), line);
                return argc;
            }
            """;

    private static WasmboxCliTest.Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WasmboxCli.execute(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new WasmboxCliTest.Outcome(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aWasmFileRunsWithArgsStdinAndEnv(@TempDir Path dir) throws Exception {
        assertThat(SandboxedCompiler.unavailableReason(Toolchain.C))
                .as(Toolchain.C.install())
                .isNull();
        CompileResult compiled = new SandboxedCompiler(Toolchain.C).compile(ECHO_C);
        assertThat(compiled.succeeded()).as(compiled.diagnostics()).isTrue();
        Path module = dir.resolve("prog.wasm");
        Files.write(module, compiled.module());
        WasmboxCliTest.Outcome o =
                cli("run", module.toString(), "--stdin", "line\n", "--env", "WHO=ada", "first", "second");
        assertThat(o.out()).isEqualTo("first|ada|line\n");
        assertThat(o.status()).isEqualTo(3);
        assertThat(o.err()).contains("[wasm] exit 3");
        WasmboxCliTest.Outcome notAModule = cli("run", "-e", "aGVsbG8=", "--lang", "wasm");
        assertThat(notAModule.status()).isEqualTo(WasmboxCli.USAGE_ERROR);
        assertThat(notAModule.err()).contains("not a WebAssembly module");
    }

    @Test
    void rustAndCSourceFilesCompileAndRun(@TempDir Path dir) throws Exception {
        Path rust = dir.resolve("main.rs");
        Files.writeString(
                rust,
                "fn main() { let v: Vec<String> = std::env::args().collect(); println!(\"{}\", v[1..].join(\"+\")); }\n");
        WasmboxCliTest.Outcome r = cli("run", rust.toString(), "a", "b");
        assertThat(r.out()).isEqualTo("a+b\n");
        assertThat(r.err()).contains("[rust] exit 0");
        Path c = dir.resolve("broken.c");
        Files.writeString(c, "int main(void) { return nope; }\n");
        WasmboxCliTest.Outcome broken = cli("run", c.toString());
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.err()).contains("CompileError").contains("nope");
    }

    @Test
    void cpuTimeStopsABusyLoop() {
        WasmboxCliTest.Outcome o = cli("run", "-e", "while True: pass", "--cpu-time", "300ms", "--timeout", "60s");
        assertThat(o.status()).isEqualTo(152);
        assertThat(o.err()).contains("CPU TIME LIMIT");
    }

    @Test
    void languagesListsWasmRustAndC() {
        assertThat(cli("languages").out()).contains("wasm").contains("rust").contains("c ");
    }
}
