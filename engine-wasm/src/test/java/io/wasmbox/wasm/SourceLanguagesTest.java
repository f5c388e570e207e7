package io.wasmbox.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rust and c languages: source compiled inside bubblewrap, then run as a module. */
class SourceLanguagesTest {
    @BeforeAll
    static void toolchainsArePresent() {
        Programs.requireToolchain(Toolchain.RUST);
        Programs.requireToolchain(Toolchain.C);
        Programs.requireToolchain(Toolchain.CPP);
    }

    private static ExecutionResult run(String language, String source, RunOptions options) {
        try (Sandbox box = Wasmbox.interpreter(language)
                .sandbox()
                .limits(Limits.builder().timeout(Duration.ofSeconds(60)).build())
                .build()) {
            return box.run(source, options);
        }
    }

    @Test
    void rustAndCAreListedWhenTheirToolchainsArePresent() {
        assertThat(Wasmbox.languages()).extracting(l -> l.id()).contains("wasm", "rust", "c", "cpp");
        assertThat(Wasmbox.unavailableLanguages()).doesNotContainKeys("rust", "c", "cpp");
        assertThat(Wasmbox.languageForFile("main.cc")).map(l -> l.id()).contains("cpp");
        assertThat(Wasmbox.languageForFile("main.rs")).map(l -> l.id()).contains("rust");
    }

    @Test
    void aRustProgramCompilesAndRunsWithStdinArgsEnv() {
        ExecutionResult r = run(
                "rust",
                Programs.source("probe.rs"),
                RunOptions.builder()
                        .stdin("typed")
                        .args(List.of("io", "4"))
                        .env(Map.of("GREETING", "moin"))
                        .build());
        assertThat(r.stdout()).contains("stdin=typed\n", "argv[1]=io\n", "GREETING=moin\n");
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @Test
    void aCProgramCompilesAndRuns() {
        ExecutionResult r = run(
                "c", "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 6 * 7); return 0; }\n", RunOptions.none());
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(r.stdout()).isEqualTo("42\n");
    }

    @Test
    void aCppProgramCompilesAndRunsWithTheStandardLibrary() {
        ExecutionResult r = run(
                "cpp",
                "#include <iostream>\n#include <map>\n#include <string>\nint main() {"
                        + " std::map<std::string, int> m{{\"a\", 1}, {\"b\", 2}}; std::string line; std::getline(std::cin, line);"
                        + " std::cout << line << \":\" << m.size() << std::endl; return 3; }\n",
                RunOptions.builder().stdin("in\n").build());
        assertThat(r.stdout()).as(r.toString()).isEqualTo("in:2\n");
        assertThat(r.exitCode()).isEqualTo(3);
        ExecutionResult include = run("cpp", "#include \"/etc/passwd\"\nint main() {}\n", RunOptions.none());
        assertThat(include.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(include.error().message()).doesNotContain("root:");
    }

    @Test
    void compilerDiagnosticsAreTheRunsCompileError() {
        ExecutionResult rust = run("rust", "fn main() { let x: i32 = \"no\"; }\n", RunOptions.none());
        assertThat(rust.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(rust.error().message()).contains("mismatched types").contains("main.rs:1");
        assertThat(rust.error().message()).doesNotContain("/work/").doesNotContain("/tmp/");
        ExecutionResult c = run("c", "int main(void) { return undefined_thing; }\n", RunOptions.none());
        assertThat(c.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(c.error().message()).contains("undefined_thing");
        assertThat(c.succeeded()).isFalse();
    }

    // ---- compile-time file attacks: the compiler runs where no host file is ------------------------

    @Test
    void rustIncludeStrOfAHostFileFailsToCompile() {
        ExecutionResult r =
                run("rust", "fn main() { print!(\"{}\", include_str!(\"/etc/passwd\")); }\n", RunOptions.none());
        assertThat(r.error()).isNotNull();
        assertThat(r.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(r.error().message()).contains("couldn't read").doesNotContain("root:");
        assertThat(r.stdout()).doesNotContain("root:");
        // rustc needs a /proc: it is the sandbox's own, and the compiler's environment is PATH, HOME, TMPDIR (and PWD)
        // only
        ExecutionResult environ =
                run("rust", "fn main() { print!(\"{}\", include_str!(\"/proc/self/environ\")); }\n", RunOptions.none());
        assertThat(environ.succeeded()).as(environ.toString()).isTrue();
        assertThat(environ.stdout().split("\0"))
                .containsExactlyInAnyOrder("PATH=/usr/bin", "HOME=/work", "TMPDIR=/tmp", "PWD=/work");
        ExecutionResult home =
                run("rust", "fn main() { print!(\"{}\", include_str!(\"/root/.bashrc\")); }\n", RunOptions.none());
        assertThat(home.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
    }

    @Test
    void cIncludeOfAHostFileFailsToCompile() {
        ExecutionResult r = run("c", "#include \"/etc/passwd\"\nint main(void) { return 0; }\n", RunOptions.none());
        assertThat(r.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(r.error().message())
                .contains("/etc/passwd")
                .containsIgnoringCase("not found")
                .doesNotContain("root:");
    }

    @Test
    void assemblerIncbinOfAHostFileFailsToCompile() {
        String source =
                "__asm__(\".section .data.leak,\\\"\\\",@\\n.globl leak\\nleak:\\n.incbin \\\"/etc/passwd\\\"\\n\");\n"
                        + "extern const char leak[];\n#include <stdio.h>\nint main(void) { printf(\"%.40s\", leak); return 0; }\n";
        ExecutionResult r = run("c", source, RunOptions.none());
        assertThat(r.error()).as(r.stdout()).isNotNull();
        assertThat(r.error().type()).isEqualTo(SourceGuest.COMPILE_ERROR);
        assertThat(r.error().message()).contains("/etc/passwd").doesNotContain("root:");
        assertThat(r.stdout()).doesNotContain("root:");
    }

    @Test
    void theCompilerSeesNothingOutsideUsrAndItsWorkDirectory() throws Exception {
        Path outside = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "host-header", ".h");
        try {
            Files.writeString(outside, "int host_secret = 42;\n");
            CompileResult r = new SandboxedCompiler(Toolchain.C)
                    .compile("#include \"" + outside + "\"\nint main(void) { return host_secret; }\n");
            assertThat(r.succeeded()).isFalse();
            assertThat(r.diagnostics()).contains("file not found");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aCompilationOverItsTimeoutIsStopped() throws Exception {
        SandboxedCompiler slow = new SandboxedCompiler(
                Toolchain.RUST,
                Duration.ofMillis(50),
                SandboxedCompiler.DEFAULT_MEMORY_BYTES,
                SandboxedCompiler.DEFAULT_MAX_MODULE_BYTES);
        CompileResult r = slow.compile("fn main() { println!(\"{}\", 1); }\n");
        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void aPreprocessorBombEndsAtTheCompilersTimeOrMemoryLimit() throws Exception {
        String bomb = "#define A(x) x x\n#define B(x) A(A(A(A(x))))\n#define C(x) B(B(B(B(x))))\n"
                + "#define D(x) C(C(C(C(x))))\nint a[] = { D(1,) };\nint main(void) { return 0; }\n";
        SandboxedCompiler compiler = new SandboxedCompiler(
                Toolchain.C, Duration.ofSeconds(5), 256L << 20, SandboxedCompiler.DEFAULT_MAX_MODULE_BYTES);
        long start = System.nanoTime();
        CompileResult r = compiler.compile(bomb);
        assertThat(r.succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void diagnosticsAreCapped() throws Exception {
        String flood = "int main(void) {\n" + "undefined_a();\n".repeat(20000) + "}\n";
        CompileResult r = new SandboxedCompiler(Toolchain.C).compile(flood);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.diagnostics().length()).isLessThanOrEqualTo(SandboxedCompiler.MAX_DIAGNOSTICS_BYTES + 100);
    }
}
