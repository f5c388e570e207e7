package io.wasmbox.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The test programs (src/test/resources/programs), compiled once per JVM with the toolchains, which the
 * tests need (CI installs them: .ci/run); a missing one fails the test with the install command.
 */
final class Programs {
    private static final Map<String, byte[]> COMPILED = new ConcurrentHashMap<>();

    private Programs() {}

    static String source(String name) {
        try (InputStream in = Programs.class.getResourceAsStream("/programs/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test program " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireToolchain(Toolchain toolchain) {
        assertThat(SandboxedCompiler.unavailableReason(toolchain))
                .as(
                        "the %s toolchain is needed by these tests: %s bubblewrap",
                        toolchain.language(), toolchain.install())
                .isNull();
    }

    /** {@code name} compiled by {@code toolchain} inside bubblewrap, as the rust and c languages do. */
    static byte[] compiled(Toolchain toolchain, String name) {
        return COMPILED.computeIfAbsent(toolchain + ":" + name, key -> {
            requireToolchain(toolchain);
            try {
                CompileResult r = new SandboxedCompiler(toolchain).compile(source(name));
                assertThat(r.succeeded()).as(r.diagnostics()).isTrue();
                return r.module();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] probeC() {
        return compiled(Toolchain.C, "probe.c");
    }

    static byte[] probeRust() {
        return compiled(Toolchain.RUST, "probe.rs");
    }

    /** reactor.c as a reactor module (clang's {@code -mexec-model=reactor}, trusted test code, no sandbox needed). */
    static byte[] reactor() {
        return COMPILED.computeIfAbsent("reactor", key -> clang("reactor.c", "-mexec-model=reactor"));
    }

    /** probe.c declaring a maximum memory of 1 GiB (wasm-ld's {@code --max-memory}). */
    static byte[] probeCDeclaringOneGiB() {
        return COMPILED.computeIfAbsent("probe-1g", key -> clang("probe.c", "-Wl,--max-memory=1073741824"));
    }

    /** unknown_import.c: links, because an explicit import module makes the symbol an import. */
    static byte[] unknownImport() {
        return COMPILED.computeIfAbsent("unknown_import", key -> clang("unknown_import.c"));
    }

    private static byte[] clang(String name, String... flags) {
        requireToolchain(Toolchain.C);
        try {
            Path dir = Files.createTempDirectory("wasmbox-test-");
            Path src = dir.resolve(name);
            Files.writeString(src, source(name));
            Path out = dir.resolve("out.wasm");
            List<String> command = new ArrayList<>(List.of("/usr/bin/clang", "--target=wasm32-wasi", "-O2", "-s"));
            command.addAll(List.of(flags));
            command.addAll(List.of("-o", out.toString(), src.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String diagnostics = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(diagnostics).isZero();
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64(byte[] module) {
        return Base64.getEncoder().encodeToString(module);
    }
}
