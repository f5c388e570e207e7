package io.wasmbox.wasm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A compiler from Debian's packages that builds {@code wasm32-wasi} modules: what it needs on the host,
 * the source file it reads and the command line it runs (inside bubblewrap, see {@link SandboxedCompiler}).
 */
public enum Toolchain {
    /** Debian's {@code rustc} with {@code libstd-rust-dev-wasm32}. */
    RUST("rust", "main.rs", "rustc", "apt-get install rustc libstd-rust-dev-wasm32") {
        @Override
        List<String> command(String source, String output) {
            return List.of(
                    "/usr/bin/rustc",
                    "--target",
                    "wasm32-wasi",
                    "--edition",
                    "2021",
                    "-O",
                    "-C",
                    "strip=symbols",
                    "--crate-name",
                    "main",
                    "-o",
                    output,
                    source);
        }

        @Override
        String missing() {
            if (!Files.isExecutable(Path.of("/usr/bin/rustc"))) return "/usr/bin/rustc is missing";
            if (!Files.isDirectory(Path.of("/usr/lib/rustlib/wasm32-wasi/lib"))) {
                return "Rust's wasm32-wasi standard library (/usr/lib/rustlib/wasm32-wasi) is missing";
            }
            return null;
        }
    },
    /** Debian's {@code clang} with {@code lld}, {@code wasi-libc} and {@code libclang-rt-14-dev-wasm32}. */
    C("c", "main.c", "clang", "apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32") {
        @Override
        List<String> command(String source, String output) {
            return List.of("/usr/bin/clang", "--target=wasm32-wasi", "-O2", "-s", "-o", output, source, "-lm");
        }

        @Override
        String missing() {
            if (!Files.isExecutable(Path.of("/usr/bin/clang"))) return "/usr/bin/clang is missing";
            if (!Files.isExecutable(Path.of("/usr/bin/wasm-ld"))) return "/usr/bin/wasm-ld (lld) is missing";
            if (!Files.isRegularFile(Path.of("/usr/lib/wasm32-wasi/libc.a"))) return "wasi-libc is missing";
            if (!builtinsPresent()) return "clang's wasm32 runtime library (libclang-rt-*-dev-wasm32) is missing";
            return null;
        }
    },
    /** Debian's {@code clang++} with the C toolchain plus {@code libc++-14-dev-wasm32} (no exceptions on wasm32-wasi). */
    CPP(
            "cpp",
            "main.cpp",
            "clang++",
            "apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 libc++abi-14-dev-wasm32") {
        @Override
        List<String> command(String source, String output) {
            return List.of(
                    "/usr/bin/clang++",
                    "--target=wasm32-wasi",
                    "-O2",
                    "-s",
                    "-fno-exceptions",
                    "-o",
                    output,
                    source,
                    "-lm");
        }

        @Override
        String missing() {
            String c = C.missing();
            if (c != null) return c;
            if (!Files.isExecutable(Path.of("/usr/bin/clang++"))) return "/usr/bin/clang++ is missing";
            if (!Files.isRegularFile(Path.of("/usr/lib/wasm32-wasi/libc++.a"))) {
                return "libc++ for wasm32-wasi (libc++-14-dev-wasm32) is missing";
            }
            return null;
        }
    };

    private final String language;
    private final String sourceFile;
    private final String compilerName;
    private final String install;

    Toolchain(String language, String sourceFile, String compilerName, String install) {
        this.language = language;
        this.sourceFile = sourceFile;
        this.compilerName = compilerName;
        this.install = install;
    }

    /** The language id this toolchain compiles ({@code rust}, {@code c}). */
    public String language() {
        return language;
    }

    /** File name the source is written to in the private work directory. */
    String sourceFile() {
        return sourceFile;
    }

    String compilerName() {
        return compilerName;
    }

    /** The Debian install command that provides it. */
    public String install() {
        return install;
    }

    /**
     * True when the compiler needs a {@code /proc} (rustc finds its sysroot and codegen backend through
     * {@code /proc/self/exe}); it is the sandbox's own, showing only the sandbox's processes.
     */
    boolean needsProc() {
        return this == RUST;
    }

    /** The command line compiling {@code source} to {@code output} (paths inside the work directory). */
    abstract List<String> command(String source, String output);

    /** What is missing on this host for this toolchain, or null. */
    abstract String missing();

    private static boolean builtinsPresent() {
        Path llvm = Path.of("/usr/lib");
        try (Stream<Path> dirs = Files.list(llvm)) {
            List<Path> candidates = new ArrayList<>();
            dirs.filter(p -> p.getFileName().toString().startsWith("llvm-")).forEach(candidates::add);
            for (Path dir : candidates) {
                try (Stream<Path> found = Files.walk(dir.resolve("lib/clang"), 4)) {
                    if (found.anyMatch(p -> p.getFileName().toString().equals("libclang_rt.builtins-wasm32.a"))) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // no clang resource directory in this llvm
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
