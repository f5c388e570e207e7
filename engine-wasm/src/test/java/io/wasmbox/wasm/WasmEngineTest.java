package io.wasmbox.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmbox.CpuTimeLimitException;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Interpreter;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class WasmEngineTest {
    private static final Interpreter WASM = Wasmbox.interpreter("wasm");

    private static Sandbox sandbox() {
        return sandbox(Limits.builder());
    }

    private static Sandbox sandbox(Limits.Builder limits) {
        return WASM.sandbox().limits(limits.maxCodeBytes(4 * Units.MIB).build()).build();
    }

    private static ExecutionResult run(byte[] module, String... args) {
        try (Sandbox box = sandbox()) {
            return box.run(
                    Programs.base64(module),
                    RunOptions.builder().args(List.of(args)).build());
        }
    }

    // ---- a command module: stdin, args, env, output, exit codes --------------------------------

    @Test
    void aCProgramGetsStdinArgsEnvAndItsExitCode() {
        try (Sandbox box = sandbox()) {
            ExecutionResult r = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder()
                            .stdin("hello from stdin\n")
                            .args(List.of("io", "7"))
                            .env(Map.of("GREETING", "salut"))
                            .fileName("probe.wasm")
                            .build());
            assertThat(r.stdout())
                    .isEqualTo("stdin=hello from stdin\nargv[0]=probe.wasm\nargv[1]=io\nargv[2]=7\n"
                            + "GREETING=salut\nHOME=(none)\n");
            assertThat(r.stderr()).isEqualTo("to stderr\n");
            assertThat(r.exitCode()).isEqualTo(7);
            assertThat(r.error()).isNull();
            // the sandbox stays usable: every run is a fresh instance
            ExecutionResult again = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder().args(List.of("exit", "0")).build());
            assertThat(again.succeeded()).as(again.toString()).isTrue();
        }
    }

    @Test
    void aRustProgramGetsStdinArgsEnvAndItsExitCode() {
        try (Sandbox box = sandbox()) {
            ExecutionResult r = box.run(
                    Programs.base64(Programs.probeRust()),
                    RunOptions.builder()
                            .stdin("from rust stdin")
                            .args(List.of("io", "42"))
                            .env(Map.of("GREETING", "hej"))
                            .build());
            assertThat(r.stdout())
                    .isEqualTo("stdin=from rust stdin\nargv[0]=main.wasm\nargv[1]=io\nargv[2]=42\n" + "GREETING=hej\n");
            assertThat(r.stderr()).isEqualTo("to stderr\n");
            assertThat(r.exitCode()).isEqualTo(42);
            assertThat(box.run(
                                    Programs.base64(Programs.probeRust()),
                                    RunOptions.builder()
                                            .args(List.of("io", "0"))
                                            .build())
                            .succeeded())
                    .isTrue();
        }
    }

    @Test
    void exitWithACodeAndARustPanicAreResults() {
        assertThat(run(Programs.probeC(), "exit", "5").exitCode()).isEqualTo(5);
        ExecutionResult panic = run(Programs.probeRust(), "panic");
        assertThat(panic.succeeded()).isFalse();
        assertThat(panic.stderr()).contains("panicked").contains("boom");
        assertThat(panic.error().type()).isEqualTo(GuestError.TRAP);
    }

    // ---- the WASI policy: no files, frozen clock, seeded random ------------------------------------

    @Test
    void aModuleSeesNoHostFiles() {
        assertThat(run(Programs.probeC(), "files").stdout())
                .contains("fopen(/etc/passwd): ")
                .doesNotContain("opened")
                .doesNotContain("root:");
        assertThat(run(Programs.probeRust(), "files").stdout()).startsWith("error: ");
    }

    @Test
    void clockIsFrozenAndRandomSeededByDefault() {
        String first = run(Programs.probeC(), "clock").stdout();
        assertThat(first)
                .startsWith("time=" + Instant.parse("2024-01-01T00:00:00Z").getEpochSecond() + " ");
        assertThat(run(Programs.probeC(), "clock").stdout()).isEqualTo(first);
        try (Sandbox box = WASM.sandbox()
                .options(SandboxOptions.builder()
                        .randomSeed(99)
                        .limits(Limits.builder().maxCodeBytes(4 * Units.MIB).build())
                        .build())
                .build()) {
            String other = box.run(
                            Programs.base64(Programs.probeC()),
                            RunOptions.builder().args(List.of("clock")).build())
                    .stdout();
            assertThat(other).isNotEqualTo(first).startsWith("time=1704067200 ");
        }
    }

    // ---- limits -----------------------------------------------------------------------------------

    @Test
    void aMemoryHogHitsTheCapInCAndInRust() {
        long cap = 32 * Units.MIB;
        for (byte[] module : List.of(Programs.probeC(), Programs.probeRust())) {
            try (Sandbox box = sandbox(Limits.builder().memoryBytes(cap))) {
                ExecutionResult r = box.run(
                        Programs.base64(module),
                        RunOptions.builder().args(List.of("hog")).build());
                assertThat(r.memoryLimitHit())
                        .as(r + " " + r.stdout() + r.stderr())
                        .isTrue();
                assertThat(r.succeeded()).isFalse();
                assertThat(r.peakMemoryBytes()).isLessThanOrEqualTo(cap);
            }
        }
    }

    @Test
    void anInfiniteLoopStopsAtTheTimeout() {
        try (Sandbox box = sandbox(Limits.builder().timeoutMillis(500))) {
            long start = System.nanoTime();
            ExecutionResult r = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder().args(List.of("loop")).build());
            assertThat(r.timeoutHit()).isTrue();
            assertThat(r.exitCode()).isEqualTo(ExecutionResult.TIMEOUT_EXIT_CODE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anInfiniteLoopStopsAtTheCpuTimeLimit() {
        for (byte[] module : List.of(Programs.probeC(), Programs.probeRust())) {
            try (Sandbox box = sandbox(Limits.builder().cpuTimeMillis(300).timeout(Duration.ofSeconds(60)))) {
                ExecutionResult r = box.run(
                        Programs.base64(module),
                        RunOptions.builder().args(List.of("loop")).build());
                assertThat(r.cpuTimeLimitHit()).as(r.toString()).isTrue();
                assertThat(r.timeoutHit()).isFalse();
                assertThat(r.exitCode()).isEqualTo(ExecutionResult.CPU_TIME_LIMIT_EXIT_CODE);
                assertThat(r.cpuTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                assertThatThrownBy(r::valueOrThrow).isInstanceOf(CpuTimeLimitException.class);
            }
        }
    }

    @Test
    void theModulesOwnMaximumCannotRaiseTheCap() {
        // this build of probe.c declares a 1 GiB maximum: the sandbox's 8 MiB cap still wins
        try (Sandbox box = sandbox(Limits.builder().memoryMiB(8))) {
            ExecutionResult r = box.run(
                    Programs.base64(Programs.probeCDeclaringOneGiB()),
                    RunOptions.builder().args(List.of("hog")).build());
            assertThat(r.memoryLimitHit()).isTrue();
            assertThat(r.stdout()).matches("malloc failed after [0-7] MiB\n");
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.peakMemoryBytes()).isLessThanOrEqualTo(8 * Units.MIB);
        }
    }

    // ---- traps --------------------------------------------------------------------------------------

    @Test
    void trapsAreResultsAndTheSandboxStaysUsable() {
        try (Sandbox box = sandbox()) {
            ExecutionResult unreachable = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder().args(List.of("unreachable")).build());
            assertThat(unreachable.error().type()).isEqualTo(GuestError.TRAP);
            assertThat(unreachable.error().message()).containsIgnoringCase("unreachable");
            ExecutionResult oob = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder().args(List.of("oob")).build());
            assertThat(oob.error().type()).isEqualTo(GuestError.TRAP);
            assertThat(oob.error().message()).containsIgnoringCase("out of bounds");
            assertThat(oob.memoryLimitHit()).isFalse();
            ExecutionResult stack = box.run(
                    Programs.base64(Programs.probeC()),
                    RunOptions.builder().args(List.of("stack")).build());
            assertThat(stack.succeeded()).isFalse();
            assertThat(box.isClosed()).isFalse();
            assertThat(box.run(
                                    Programs.base64(Programs.probeC()),
                                    RunOptions.builder()
                                            .args(List.of("exit", "0"))
                                            .build())
                            .succeeded())
                    .isTrue();
        }
    }

    // ---- validation -------------------------------------------------------------------------------

    @Test
    void bytesThatAreNotAModuleAreInvalidCode() {
        try (Sandbox box = sandbox()) {
            assertThatThrownBy(() -> box.run("print('hi')"))
                    .isInstanceOf(InvalidCodeException.class)
                    .hasMessageContaining("base64");
            assertThatThrownBy(() -> box.run(Programs.base64("#!/bin/sh\necho hi\n".getBytes())))
                    .isInstanceOf(InvalidCodeException.class)
                    .hasMessageContaining("not a WebAssembly module");
            byte[] truncated = Arrays.copyOf(Programs.probeC(), 1000);
            assertThatThrownBy(() -> box.run(Programs.base64(truncated)))
                    .isInstanceOf(InvalidCodeException.class)
                    .hasMessageContaining("invalid WebAssembly module");
            assertThat(box.isClosed()).isFalse();
        }
    }

    @Test
    void aModuleImportingAnUnknownFunctionIsRefusedBeforeItRuns() {
        try (Sandbox box = sandbox()) {
            assertThatThrownBy(() -> box.run(Programs.base64(Programs.unknownImport())))
                    .isInstanceOf(InvalidCodeException.class)
                    .hasMessageContaining("env.launch_missiles")
                    .hasMessageContaining("wasi_snapshot_preview1");
        }
    }

    @Test
    void modulesAreCompiledOncePerContent() {
        ModuleCache cache = ModuleCache.shared();
        String code = Programs.base64(Programs.probeC());
        cache.load(code);
        long before = cache.compilations();
        for (int i = 0; i < 3; i++) run(Programs.probeC(), "exit", "0");
        assertThat(cache.load(code.replaceAll("(.{76})", "$1\n"))).isSameAs(cache.load(code));
        assertThat(cache.compilations()).isEqualTo(before);
    }

    // ---- reactors ---------------------------------------------------------------------------------

    @Test
    void aReactorsExportsAreCalledWithInvoke() {
        try (Sandbox box = sandbox()) {
            assertThat(box.invoke("add", 1, 2).error().type()).isEqualTo("NameError");
            ExecutionResult loaded = box.run(Programs.base64(Programs.reactor()));
            assertThat(loaded.succeeded()).as(loaded.toString()).isTrue();
            assertThat(box.invoke("add", 2, 40).value()).isEqualTo(42L);
            assertThat(box.invoke("fib", 20).value()).isEqualTo(6765L);
            assertThat(box.invoke("half", 5.0).value()).isEqualTo(2.5);
            assertThat(box.invoke("next").value()).isEqualTo(1L);
            assertThat(box.invoke("next").value()).isEqualTo(2L);
            assertThat(box.hasFunction("add")).isTrue();
            assertThat(box.hasFunction("nope")).isFalse();
            assertThat(box.invoke("nope").error().type()).isEqualTo("NameError");
            assertThat(box.invoke("add", "x", 1).error().type()).isEqualTo("TypeError");
            assertThat(box.invoke("add", 1).error().message()).contains("takes 2 arguments");
        }
    }

    @Test
    void anEndlessExportStopsAtTheCpuTimeLimit() {
        try (Sandbox box = sandbox(Limits.builder().cpuTimeMillis(200))) {
            box.run(Programs.base64(Programs.reactor()));
            ExecutionResult r = box.invoke("spin");
            assertThat(r.cpuTimeLimitHit()).isTrue();
        }
    }

    // ---- concurrency --------------------------------------------------------------------------------

    @Test
    void eightConcurrentRunsEachGetTheirOwnInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExecutionResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String token = "run-" + i;
                byte[] module = i % 2 == 0 ? Programs.probeC() : Programs.probeRust();
                results.add(pool.submit(() -> {
                    try (Sandbox box = sandbox()) {
                        return box.run(
                                Programs.base64(module),
                                RunOptions.builder()
                                        .stdin(token + "\n")
                                        .args(List.of("io", "0"))
                                        .env(Map.of("GREETING", token))
                                        .build());
                    }
                }));
            }
            for (int i = 0; i < 8; i++) {
                ExecutionResult r = results.get(i).get();
                assertThat(r.succeeded()).as(r.toString()).isTrue();
                assertThat(r.stdout()).contains("stdin=run-" + i + "\n").contains("GREETING=run-" + i + "\n");
                for (int j = 0; j < 8; j++) if (j != i) assertThat(r.stdout()).doesNotContain("run-" + j + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
