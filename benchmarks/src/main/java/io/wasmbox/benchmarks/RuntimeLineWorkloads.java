package io.wasmbox.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@link ChicoryLine} and {@link EndiveLine} run, and the runtime-independent parts of running it: the
 * workloads' source and expected results, QuickJS's module, CPython's tiny driver.
 * Only JDK types here: {@link EndiveLine} loads this class again in its own class loader.
 */
final class RuntimeLineWorkloads {
    static final String QUICKJS_WASM = "/io/wasmbox/benchmarks/quickjs.wasm";
    private static final String RECORD = "{\"id\":12345,\"customer\":\"c-42\",\"amount\":123.45,\"currency\":\"EUR\","
            + "\"ts\":1700000000000,\"tags\":[\"a\",\"b\"]}";

    private RuntimeLineWorkloads() {}

    static boolean isJavaScript(String workload) {
        return workload.startsWith("javascript-");
    }

    /** The source a run evaluates: JavaScript as a global script's completion value, Python binding {@code r}. */
    static String source(String workload) {
        return switch (workload) {
            case "javascript-loop" ->
                "(function () { let s = 0; for (let i = 0; i < 100000; i++) s += i; return s })()";
            case "javascript-json" ->
                "(function () { const r = '" + RECORD + "'; let n = 0;"
                        + " for (let i = 0; i < 100; i++) n += JSON.stringify(JSON.parse(r)).length; return n })()";
            case "python-loop" ->
                "def loop(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\nr = loop(100000)";
            case "python-onePlusOne" -> "r = 1 + 1";
            default -> throw new IllegalArgumentException("no workload " + workload);
        };
    }

    /** What a run must return, as text (checked once, so a broken runtime line fails loudly). */
    static String expected(String workload) {
        return switch (workload) {
            case "javascript-loop", "python-loop" -> "4999950000";
            case "javascript-json" -> String.valueOf(100 * RECORD.length());
            case "python-onePlusOne" -> "2";
            default -> throw new IllegalArgumentException("no workload " + workload);
        };
    }

    static byte[] quickJsWasm() {
        return resource(QUICKJS_WASM);
    }

    /** A directory holding the Python driver: {@code run(code)} executes code and returns {@code str(r)}. */
    static Path pythonDriverDirectory() {
        try {
            Path dir = Files.createTempDirectory("runtime-line");
            Files.writeString(
                    dir.resolve("guest.py"),
                    "def run(code):\n    g = {}\n    exec(code, g)\n    return str(g.get('r'))\n");
            dir.toFile().deleteOnExit();
            dir.resolve("guest.py").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = RuntimeLineWorkloads.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
