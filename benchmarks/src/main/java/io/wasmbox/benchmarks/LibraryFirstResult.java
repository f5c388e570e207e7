package io.wasmbox.benchmarks;

import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A popular npm library's first result in a fresh JVM (issue 16): mathjs 9.4.4's browser bundle (654 KB,
 * from its WebJar) loaded into a fresh sandbox and asked two expressions, against {@code node} doing the
 * same in a fresh process. Single shot per fork: the Wasmbox row includes loading the JavaScript
 * interpreter, the sandbox, evaluating the bundle and the first {@code math.evaluate} calls, with the
 * launchers' JIT flags; the node row is the whole process, start to exit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(
        value = 3,
        jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
public class LibraryFirstResult {
    static final String BUNDLE = "META-INF/resources/webjars/mathjs/9.4.4/lib/browser/math.js";
    static final String QUESTION =
            "math.evaluate('sqrt(3^2 + 4^2)') + ' ' + math.format(math.evaluate('det([[1,2],[3,4]])'))";
    static final String ANSWER = "5 -2";

    @Param({"wasmbox", "node"})
    public String engine;

    private String bundle;
    private Path bundleFile;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        System.setProperty("wasmbox.jitWarning", "false");
        try (InputStream in = LibraryFirstResult.class.getClassLoader().getResourceAsStream(BUNDLE)) {
            if (in == null) throw new IllegalStateException(BUNDLE + " is not on the class path");
            bundle = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        bundleFile = Files.createTempFile("mathjs", ".js");
        Files.writeString(bundleFile, bundle);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(bundleFile);
    }

    @Benchmark
    public String firstResult() throws IOException, InterruptedException {
        String answer = engine.equals("node") ? node() : wasmbox();
        if (!answer.equals(ANSWER)) throw new IllegalStateException("mathjs answered " + answer);
        return answer;
    }

    private String wasmbox() {
        Limits limits = Limits.builder()
                .memoryMiB(256)
                .maxCodeBytes(4L << 20)
                .timeoutMillis(600_000)
                .build();
        try (Sandbox sandbox =
                Wasmbox.interpreter("javascript").sandbox().limits(limits).build()) {
            WarmupTimeline.check(sandbox.run(bundle));
            return String.valueOf(sandbox.eval(QUESTION));
        }
    }

    private String node() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "node",
                        "-e",
                        "const math = require(process.argv[1]); console.log(" + QUESTION + ")",
                        bundleFile.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) throw new IllegalStateException("node failed: " + out);
        return out;
    }
}
