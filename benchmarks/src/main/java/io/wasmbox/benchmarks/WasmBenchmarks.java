package io.wasmbox.benchmarks;

import io.wasmbox.ExecutionResult;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.wasm.CompileResult;
import io.wasmbox.wasm.SandboxedCompiler;
import io.wasmbox.wasm.Toolchain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Rust and a C CPU-bound program ({@code bench.rs}, {@code bench.c}: recursive fib, an xorshift loop,
 * and a no-op for the fixed cost) compiled once to {@code wasm32-wasi} and run three ways, one whole
 * program run per operation:
 *
 * <ul>
 *   <li>{@code wasmbox}: a fresh sandbox of the {@code wasm} language runs the module (compiled to JVM
 *       bytecode once per JVM by Chicory's compiler; instantiation and {@code _start} per operation);
 *   <li>{@code nativeProcess}: the same source compiled natively ({@code clang -O2}, {@code rustc -O}), one
 *       process per operation (spawn included: see the {@code noop} rows);
 *   <li>{@code nodeWasi}: the module under {@code node}'s WASI ({@code node:wasi}, preview 1), one {@code
 *       node} process per operation (start-up and V8's compile of the module included: see {@code noop}).
 * </ul>
 *
 * <p>Needs the toolchains (as engine-wasm's tests) and {@code node}. Not part of a {@code run.sh} profile:
 * {@code java -jar benchmarks/target/benchmarks.jar WasmBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
public class WasmBenchmarks {
    @Param({"c", "rust"})
    public String language;

    @Param({"fib", "loop", "noop"})
    public String workload;

    private Path dir;
    private Path moduleFile;
    private Path nativeBinary;
    private Path nodeRunner;
    private String base64;
    private List<String> args;
    private String expected;
    private Interpreter wasm;
    private Limits limits;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Toolchain toolchain = language.equals("rust") ? Toolchain.RUST : Toolchain.C;
        String reason = SandboxedCompiler.unavailableReason(toolchain);
        if (reason != null) throw new IllegalStateException("WasmBenchmarks needs " + reason);
        String source = resource(language.equals("rust") ? "bench.rs" : "bench.c");
        dir = Files.createTempDirectory("wasmbox-bench-");
        CompileResult compiled = new SandboxedCompiler(toolchain).compile(source);
        if (!compiled.succeeded()) throw new IllegalStateException(compiled.diagnostics());
        moduleFile = dir.resolve("bench.wasm");
        Files.write(moduleFile, compiled.module());
        base64 = Base64.getEncoder().encodeToString(compiled.module());
        Path src = dir.resolve(language.equals("rust") ? "bench.rs" : "bench.c");
        Files.writeString(src, source);
        nativeBinary = dir.resolve("bench");
        exec(
                language.equals("rust")
                        ? List.of("/usr/bin/rustc", "-O", "-o", nativeBinary.toString(), src.toString())
                        : List.of("/usr/bin/clang", "-O2", "-o", nativeBinary.toString(), src.toString()));
        nodeRunner = dir.resolve("run-wasi.mjs");
        Files.writeString(nodeRunner, resource("run-wasi.mjs"));
        args = switch (workload) {
            case "fib" -> List.of("fib", "35");
            case "loop" -> List.of("loop", "50000000");
            default -> List.of("noop");
        };
        expected = exec(command(nativeBinary.toString()));
        wasm = Wasmbox.interpreter("wasm");
        limits = Limits.builder()
                .maxCodeBytes(16 * Units.MIB)
                .timeout(Duration.ofMinutes(5))
                .build();
        String got = wasmbox();
        if (!got.equals(expected)) throw new IllegalStateException("wasmbox printed " + got + ", native " + expected);
        String node = nodeWasi();
        if (!node.equals(expected)) throw new IllegalStateException("node printed " + node + ", native " + expected);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public String wasmbox() {
        try (Sandbox sandbox = wasm.sandbox().limits(limits).build()) {
            ExecutionResult r =
                    sandbox.run(base64, RunOptions.builder().args(args).build());
            if (!r.succeeded()) throw new IllegalStateException(r.toString());
            return r.stdout();
        }
    }

    @Benchmark
    public String nativeProcess() throws Exception {
        return exec(command(nativeBinary.toString()));
    }

    @Benchmark
    public String nodeWasi() throws Exception {
        return exec(command("node", "--no-warnings", nodeRunner.toString(), moduleFile.toString()));
    }

    private List<String> command(String... head) {
        List<String> command = new ArrayList<>(List.of(head));
        command.addAll(args);
        return command;
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(command + " failed: " + out);
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = WasmBenchmarks.class.getResourceAsStream("wasm/" + name)) {
            if (in == null) throw new IllegalStateException("missing resource wasm/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
