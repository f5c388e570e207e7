package io.wasmbox.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 16's runtime-line lever: the same engines on Chicory 1.7 (what Wasmbox stands on) and on Endive 1.0
 * (its continuation), the first {@value WarmupTimeline#SECONDS} seconds of a fresh JVM as in {@link
 * WarmupTimeline} (no warm-up, 1 s iterations), with the launchers' JIT flags. A fork per line and workload:
 * QuickJS compiled to JVM bytecode by each line's compiler (at run time, same wasm), and CPython 3.13 as
 * trino-wasm-python ships it for each line (3.13-6 for Chicory, 3.13-8 for Endive). See {@link ChicoryLine}
 * and {@link EndiveLine}. Run from the repository root: Endive's jars are read from {@value #ENDIVE_JARS}
 * (benchmarks/pom.xml copies them there).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 0)
@Measurement(iterations = WarmupTimeline.SECONDS, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmArgs.STACK, JvmArgs.JIT_1, JvmArgs.JIT_2, JvmArgs.JIT_3})
public class RuntimeLineTimeline {
    static final String ENDIVE_JARS = "benchmarks/target/endive-line";

    @Param({"chicory", "endive"})
    public String line;

    @Param({"javascript-loop", "javascript-json", "python-loop", "python-onePlusOne"})
    public String workload;

    private Supplier<String> engine;

    @Setup(Level.Trial)
    public void setUp() {
        engine = line.equals("chicory") ? new ChicoryLine(workload) : endive(workload);
        String result = engine.get();
        if (!result.equals(RuntimeLineWorkloads.expected(workload))) {
            throw new IllegalStateException(line + " " + workload + " returned " + result);
        }
        System.out.println(
                "timeline-setup " + ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** One run of the workload. */
    @Benchmark
    public String run() {
        return engine.get();
    }

    /** {@link EndiveLine} from a loader with Endive's jars and trino-wasm-python 3.13-8 before this jar. */
    @SuppressWarnings("unchecked")
    static Supplier<String> endive(String workload) {
        List<URL> path = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Path.of(ENDIVE_JARS))) {
            for (Path jar : jars.sorted().toList()) path.add(jar.toUri().toURL());
            path.add(RuntimeLineTimeline.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI()
                    .toURL());
        } catch (IOException e) {
            throw new UncheckedIOException("no Endive jars in " + ENDIVE_JARS + " (run from the repository root)", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        // parent: the platform loader, so that nothing of Chicory's line (or trino 3.13-6) is visible
        ClassLoader loader = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        try {
            return (Supplier<String>) Class.forName(EndiveLine.class.getName(), true, loader)
                    .getConstructor(String.class)
                    .newInstance(workload);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load Endive's line", e);
        }
    }
}
