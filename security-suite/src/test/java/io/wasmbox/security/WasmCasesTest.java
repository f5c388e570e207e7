package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.wasm.SandboxedCompiler;
import io.wasmbox.wasm.Toolchain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code wasm} family: hostile WebAssembly modules (hand-made, or compiled from C and Rust) and hostile
 * Rust and C source for the compile-then-run languages. Each row must end as documented, show no host or
 * neighbour secret, keep linear memory under the cap, and leave the host healthy (guest threads back in
 * their pool, the Python and JavaScript neighbour sandboxes intact).
 */
class WasmCasesTest {
    private static final Limits LIMITS = Limits.builder()
            .timeoutMillis(5_000)
            .maxCodeBytes(4 * Units.MIB)
            .memoryMiB(64)
            .maxOutputBytes(64 * 1024)
            .build();

    /** One row: language, name, code (made on demand: compiling needs the toolchain), limits, the check. */
    record WasmCase(
            String language,
            String name,
            Supplier<String> code,
            Limits limits,
            Predicate<Object> check,
            String expectation) {
        @Override
        public String toString() {
            return language + "/wasm/" + name;
        }
    }

    private static final String MAGIC = "0061736d01000000";

    static Stream<WasmCase> cases() {
        String secretFile = SuiteSecrets.HOST_FILE.toString();
        List<WasmCase> c = new ArrayList<>();
        // ---- hand-made modules ----
        c.add(rejected("wasm", "not-a-module", () -> b64("#!/bin/sh\ncat /etc/passwd\n".getBytes())));
        c.add(rejected("wasm", "not-base64", () -> "cat /etc/passwd"));
        c.add(rejected("wasm", "imports-host-memory", () -> hex(MAGIC + "020f0103656e76066d656d6f72790200" + "01")));
        c.add(rejected(
                "wasm",
                "imports-unknown-function",
                () -> hex(MAGIC + "010401600000" + "020c0103656e76" + "04657869740000")));
        c.add(rejected(
                "wasm",
                "wasi-function-with-a-forged-signature",
                () -> hex(MAGIC + "010401600000"
                        + "02240116776173695f736e617073686f745f70726576696577310970726f635f657869740000")));
        c.add(row(
                "wasm",
                "initial-memory-of-4-gib",
                () -> hex(MAGIC + "05050100808004"),
                LIMITS,
                r -> r.memoryLimitHit() && r.peakMemoryBytes() <= LIMITS.memoryBytes(),
                "refused at instantiation as out of memory"));
        c.add(row(
                "wasm",
                "start-function-loops-for-ever",
                () -> hex(MAGIC + "010401600000" + "03020100" + "080100" + "0a09010700034" + "00c000b0b"),
                LIMITS.toBuilder().timeoutMillis(500).build(),
                ExecutionResult::timeoutHit,
                "stopped at its timeout"));
        c.add(row(
                "wasm",
                "start-function-loops-under-cpu-limit",
                () -> hex(MAGIC + "010401600000" + "03020100" + "080100" + "0a09010700034" + "00c000b0b"),
                LIMITS.toBuilder().cpuTime(Duration.ofMillis(300)).build(),
                ExecutionResult::cpuTimeLimitHit,
                "stopped at its CPU-time limit"));
        // ---- modules compiled from C: the WASI surface ----
        c.add(row(
                "c",
                "read-host-secret-file",
                () -> "#include <stdio.h>\nint main(void) { FILE *f = fopen(\""
                        + secretFile
                        + "\", \"r\"); char b[64] = {0}; if (f) fread(b, 1, 63, f); puts(f ? b : \"refused\");"
                        + " return 0; }\n",
                LIMITS,
                r -> r.stdout().equals("refused\n"),
                "the file does not exist for it"));
        c.add(row(
                "c",
                "list-the-root-directory",
                () -> "#include <dirent.h>\n#include <stdio.h>\nint main(void) {"
                        + " DIR *d = opendir(\"/\"); puts(d ? \"listed\" : \"refused\"); return 0; }\n",
                LIMITS,
                r -> r.stdout().equals("refused\n"),
                "no directory is preopened"));
        c.add(row(
                "c",
                "dump-the-environment",
                () -> "#include <stdio.h>\nextern char **environ;\nint main(void) {"
                        + " int n = 0; for (char **e = environ; *e; e++) { puts(*e); n++; } printf(\"%d\\n\", n); return 0; }\n",
                LIMITS,
                r -> r.stdout().equals("0\n"),
                "an empty environment"));
        c.add(row(
                "c",
                "memory-hog",
                () -> "#include <stdlib.h>\n#include <string.h>\nstatic char *volatile keep;\n"
                        + "int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 7, 1 << 20);"
                        + " *(char **) p = keep; keep = p; } }\n",
                LIMITS,
                r -> r.memoryLimitHit() && r.peakMemoryBytes() <= LIMITS.memoryBytes(),
                "memory limit hit, under the cap"));
        c.add(row(
                "c",
                "output-flood",
                () -> "#include <stdio.h>\nint main(void) { for (long i = 0; i < 100000000; i++)"
                        + " puts(\"flood flood flood flood\"); return 0; }\n",
                LIMITS,
                r -> r.outputTruncated() && r.stdout().length() <= 64 * 1024,
                "output cut at the cap"));
        c.add(row(
                "c",
                "deep-recursion",
                () -> "int f(volatile int n) { volatile char b[512]; b[0] = n; return n ? f(n - 1)"
                        + " + b[0] : 0; }\nint main(void) { return f(100000000); }\n",
                LIMITS,
                r -> r.error() != null && !r.timeoutHit(),
                "a trap (its own stack overflowed), not a host failure"));
        c.add(row(
                "c",
                "write-out-of-bounds",
                () -> "int main(void) { *(volatile int *) 0xFFFFFFF0u = 1; return 0; }\n",
                LIMITS,
                r -> r.error() != null && GuestError.TRAP.equals(r.error().type()),
                "a trap"));
        // ---- Rust ----
        c.add(row(
                "rust",
                "read-host-secret-file",
                () -> "fn main() { match std::fs::read_to_string(\"" + secretFile
                        + "\") { Ok(s) => print!(\"{}\", s), Err(_) => println!(\"refused\") } }\n",
                LIMITS,
                r -> r.stdout().equals("refused\n"),
                "the file does not exist for it"));
        c.add(row(
                "rust",
                "connect-to-the-network",
                () -> "fn main() { match std::net::TcpStream::connect(\"127.0.0.1:22\")"
                        + " { Ok(_) => println!(\"connected\"), Err(_) => println!(\"refused\") } }\n",
                LIMITS,
                r -> r.stdout().equals("refused\n"),
                "no sockets"));
        c.add(row(
                "rust",
                "spawn-a-process",
                () -> "fn main() { match std::process::Command::new(\"/bin/sh\").output()"
                        + " { Ok(_) => println!(\"spawned\"), Err(_) => println!(\"refused\") } }\n",
                LIMITS,
                r -> r.stdout().equals("refused\n"),
                "no processes"));
        c.add(row(
                "rust",
                "host-environment-variable",
                () -> "fn main() { println!(\"{:?}\", std::env::var(\"" + SuiteSecrets.ENV_NAME + "\").ok()); }\n",
                LIMITS,
                r -> r.stdout().equals("None\n"),
                "not visible"));
        // ---- compile-time attacks: the compiler runs in bubblewrap with only /usr ----
        c.add(compileError(
                "rust", "include-str-etc-passwd", "fn main() { print!(\"{}\", include_str!(\"/etc/passwd\")); }\n"));
        c.add(compileError(
                "rust",
                "include-bytes-host-secret-file",
                "fn main() { print!(\"{:?}\", include_bytes!(\"" + secretFile + "\")); }\n"));
        c.add(compileError("c", "include-etc-passwd", "#include \"/etc/passwd\"\nint main(void) { return 0; }\n"));
        c.add(compileError(
                "c", "include-host-secret-file", "#include \"" + secretFile + "\"\nint main(void) { return 0; }\n"));
        c.add(compileError(
                "c",
                "incbin-host-secret-file",
                "__asm__(\".section .data.x,\\\"\\\",@\\n.incbin \\\"" + secretFile
                        + "\\\"\\n\");\nint main(void) { return 0; }\n"));
        c.add(compileError("cpp", "include-host-secret-file", "#include \"" + secretFile + "\"\nint main() {}\n"));
        c.add(compileError(
                "c", "include-proc-self-environ", "#include \"/proc/self/environ\"\nint main(void) { return 0; }\n"));
        return c.stream();
    }

    private static WasmCase row(
            String language,
            String name,
            Supplier<String> code,
            Limits limits,
            Predicate<ExecutionResult> check,
            String expectation) {
        return new WasmCase(
                language, name, code, limits, o -> o instanceof ExecutionResult r && check.test(r), expectation);
    }

    private static WasmCase rejected(String language, String name, Supplier<String> code) {
        return new WasmCase(
                language, name, code, LIMITS, o -> o instanceof InvalidCodeException, "InvalidCodeException");
    }

    private static WasmCase compileError(String language, String name, String source) {
        return row(
                language,
                name,
                () -> source,
                LIMITS,
                r -> r.error() != null && "CompileError".equals(r.error().type()),
                "a compile error");
    }

    private static String hex(String hex) {
        return b64(HexFormat.of().parseHex(hex));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @org.junit.jupiter.api.BeforeAll
    static void allowTheCompilersReaper() {
        // rust and c start the compiler as a process: the JDK's reaper thread is the suite's, not a guest's
        CaseRunner.allowThreadName("process reaper");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wasm(WasmCase c) throws Exception {
        CaseRunner.warmUp();
        for (Toolchain t : Toolchain.values()) {
            assertThat(SandboxedCompiler.unavailableReason(t))
                    .as("the wasm family needs %s bubblewrap", t.install())
                    .isNull();
        }
        Object outcome;
        ExecutionResult result = null;
        try (Sandbox box =
                Wasmbox.interpreter(c.language()).sandbox().limits(c.limits()).build()) {
            String code = c.code().get();
            ExecutionResult[] ran = new ExecutionResult[1];
            Throwable thrown = catchThrowable(() -> ran[0] = box.run(code, RunOptions.none()));
            if (thrown == null) {
                result = ran[0];
                outcome = result;
            } else {
                outcome = thrown;
                assertNoSecrets(c, String.valueOf(thrown.getMessage()));
            }
        } catch (IllegalStateException e) {
            outcome = e;
        }
        assertThat(c.check().test(outcome))
                .as("%s must end as %s, got %s", c, c.expectation(), describe(outcome))
                .isTrue();
        if (result != null) {
            assertNoSecrets(
                    c,
                    result.stdout() + "\n" + result.stderr() + "\n"
                            + (result.error() == null ? "" : result.error().message()));
            assertThat(result.peakMemoryBytes()).isLessThanOrEqualTo(c.limits().memoryBytes());
        }
        assertThat(HostHealth.awaitGuestThreadsIdle(Duration.ofSeconds(5)))
                .as("%s: guest threads idle", c)
                .isEmpty();
        for (String language : Languages.all()) {
            assertThat(Neighbours.readBack(language))
                    .as("%s: the %s neighbour is intact", c, language)
                    .isEqualTo(Neighbours.expected());
        }
    }

    private static String describe(Object outcome) {
        if (outcome instanceof ExecutionResult r) {
            return r + " stdout=" + CaseRunner.abbreviate(r.stdout()) + " stderr=" + CaseRunner.abbreviate(r.stderr())
                    + (r.error() == null
                            ? ""
                            : " message=" + CaseRunner.abbreviate(r.error().message()));
        }
        return String.valueOf(outcome);
    }

    private static void assertNoSecrets(WasmCase c, String text) {
        for (String secret : SuiteSecrets.forbidden()) {
            assertThat(text).as("%s leaked a host or neighbour secret", c).doesNotContain(secret);
        }
    }
}
