package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The physical reference: native {@code node}, {@code node --jitless} and {@code python3} (3.13 when
 * there is one) on this machine, measured outside JMH.
 *
 * <ul>
 *   <li>Workloads ({@code 1+1} as {@code eval("1+1")}, the CPU-bound ones): one generated script per
 *       engine and workload, made of the workload's prelude from {@link Workload} (the same text the JVM
 *       engines run) and a harness that warms up, then times batches of calls with its own clock ({@code
 *       process.hrtime.bigint()} / {@code time.perf_counter_ns()}) and prints the result and the samples as
 *       JSON. The runner checks the result and takes the median. Process start-up is not in these times.
 *   <li>Fresh sandbox: a whole process ({@code node -e 'console.log(1+1)'}, {@code python3 -c
 *       'print(1+1)'}), timed by this runner from start to exit (includes the JVM's process spawn).
 *   <li>Fresh throughput with 1, 2 and 4 threads: such processes, back to back on 1, 2 or 4 threads.
 * </ul>
 *
 * <p>{@code java -cp benchmarks.jar io.wasmbox.benchmarks.NativeReference --profile short|full --out F.json}
 */
public final class NativeReference {
    private static final ObjectMapper JSON = new ObjectMapper();

    record NativeEngine(String name, Language language, List<String> command, String version) {}

    record Profile(double warmupSeconds, double measureSeconds) {
        static Profile of(String name) {
            return switch (name) {
                case "short" -> new Profile(1, 2);
                case "full" -> new Profile(5, 10);
                default -> throw new IllegalArgumentException("profile short or full, not " + name);
            };
        }
    }

    public static void main(String[] args) throws Exception {
        String profileName = "short";
        Path out = Path.of("native.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--profile" -> profileName = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("usage: --profile short|full --out FILE");
            }
        }
        Profile profile = Profile.of(profileName);
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", "native");
        root.put("profile", profileName);
        root.set("machine", Machine.describe());
        ArrayNode engines = root.putArray("engines");
        ArrayNode results = root.putArray("results");
        for (NativeEngine engine : engines()) {
            engines.addObject()
                    .put("language", engine.language().id())
                    .put("engine", engine.name())
                    .put("description", engine.version());
            System.err.println("native: " + engine.name() + " (" + engine.version() + ")");
            List<Workload> workloads = new ArrayList<>();
            workloads.add(Workload.ONE_PLUS_ONE);
            for (String key : Workload.CPU_KEYS.split(",")) workloads.add(Workload.byKey(key));
            for (Workload w : workloads) {
                JsonNode r = runScript(engine, w, profile);
                double[] samples = toArray(r.get("samples_ns"));
                w.verify(engine.name(), r.get("result").asText());
                String key = w == Workload.ONE_PLUS_ONE ? "warmOnePlusOne" : w.key();
                results.add(result(engine, key, "ns", samples)
                        .put("reps", r.get("reps").asInt()));
                System.err.printf("  %-24s median %12.1f us%n", key, Stats.median(samples) / 1e3);
            }
            double[] fresh = freshProcesses(engine, profile);
            results.add(result(engine, "freshSandboxFirstResult", "ns", fresh));
            System.err.printf("  %-24s median %12.1f us%n", "freshSandboxFirstResult", Stats.median(fresh) / 1e3);
            for (int threads : new int[] {1, 2, 4}) {
                double opsPerSecond = processThroughput(engine, threads, profile);
                String key = "freshThroughput" + threads + (threads == 1 ? "Thread" : "Threads");
                results.add(result(engine, key, "ops/s", new double[] {opsPerSecond}));
                System.err.printf("  %-24s %12.1f ops/s%n", key, opsPerSecond);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
        System.err.println("wrote " + out);
    }

    /**
     * node ({@code WASMBOX_BENCH_NODE}, else {@code node}) and CPython ({@code WASMBOX_BENCH_PYTHON}, else
     * the first of {@code python3.13}, a pyenv 3.13, {@code python3}), each resolved to its real executable
     * (a pyenv shim would add its own start-up to every process).
     */
    static List<NativeEngine> engines() {
        List<NativeEngine> list = new ArrayList<>();
        String node = executable(
                System.getenv().getOrDefault("WASMBOX_BENCH_NODE", "node"), "-e", "console.log(process.execPath)");
        if (node != null) {
            String nodeVersion = version(List.of(node, "--version"));
            list.add(new NativeEngine("node", Language.JAVASCRIPT, List.of(node), "node " + nodeVersion + " (JIT)"));
            list.add(new NativeEngine(
                    "node-jitless",
                    Language.JAVASCRIPT,
                    List.of(node, "--jitless"),
                    "node " + nodeVersion + " --jitless"));
        } else {
            System.err.println("native: no node on PATH, skipped");
        }
        List<String> candidates = new ArrayList<>();
        if (System.getenv("WASMBOX_BENCH_PYTHON") != null) candidates.add(System.getenv("WASMBOX_BENCH_PYTHON"));
        candidates.add("python3.13");
        Path pyenv = Path.of(
                System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv"), "versions");
        try (var versions = Files.list(pyenv)) {
            versions.filter(v -> v.getFileName().toString().startsWith("3.13"))
                    .sorted()
                    .forEach(v -> candidates.add(v.resolve("bin/python3").toString()));
        } catch (IOException | RuntimeException e) {
            // no pyenv
        }
        candidates.add("python3");
        for (String candidate : candidates) {
            String exe = executable(candidate, "-c", "import sys; print(sys.executable)");
            if (exe != null) {
                list.add(new NativeEngine(
                        "cpython",
                        Language.PYTHON,
                        List.of(exe),
                        version(List.of(exe, "--version")) + " (" + exe + ")"));
                break;
            }
        }
        return list;
    }

    private static String executable(String command, String flag, String code) {
        String exe = version(List.of(command, flag, code));
        return exe == null || exe.isBlank()
                ? null
                : exe.lines().reduce((a, b) -> b).orElse(null);
    }

    /** The generated script: the workload's prelude, then a self-timing harness printing JSON. */
    static String script(NativeEngine engine, Workload w, Profile profile) {
        Language lang = engine.language();
        String expression = w == Workload.ONE_PLUS_ONE
                ? (lang == Language.PYTHON ? "eval(\"1+1\")" : "(0, eval)(\"1+1\")")
                : w.expression(lang);
        long warmNs = (long) (profile.warmupSeconds() * 1e9);
        long measureNs = (long) (profile.measureSeconds() * 1e9);
        if (lang == Language.PYTHON) {
            return w.prelude(lang) + "\n" + """
                    import json as __json, time as __time
                    def __f():
                        return %s
                    def __batch(reps):
                        r = None
                        t = __time.perf_counter_ns()
                        for _ in range(reps):
                            r = __f()
                        return r, __time.perf_counter_ns() - t
                    __end = __time.perf_counter_ns() + %d
                    __once = None
                    while __once is None or __time.perf_counter_ns() < __end:
                        __r, __once = __batch(1)
                    __reps = max(1, -(-1000000 // max(__once, 1)))
                    __samples = []
                    __end = __time.perf_counter_ns() + %d
                    while (__time.perf_counter_ns() < __end or len(__samples) < 5) and len(__samples) < 10000:
                        __r, __t = __batch(__reps)
                        __samples.append(__t / __reps)
                    print(__json.dumps({"result": str(__r), "reps": __reps, "samples_ns": __samples}))
                    """.formatted(expression, warmNs, measureNs);
        }
        return w.prelude(lang) + "\n" + """
                function __now() { return Number(process.hrtime.bigint()); }
                function __f() { return %s; }
                function __batch(reps) {
                  var r, t = __now();
                  for (var k = 0; k < reps; k++) r = __f();
                  return [r, __now() - t];
                }
                var __b, __end = __now() + %d;
                do { __b = __batch(1); } while (__now() < __end);
                var __reps = Math.max(1, Math.ceil(1e6 / Math.max(__b[1], 1)));
                var __samples = [];
                __end = __now() + %d;
                while ((__now() < __end || __samples.length < 5) && __samples.length < 10000) {
                  __b = __batch(__reps);
                  __samples.push(__b[1] / __reps);
                }
                console.log(JSON.stringify({result: String(__b[0]), reps: __reps, samples_ns: __samples}));
                """.formatted(expression, warmNs, measureNs);
    }

    static JsonNode runScript(NativeEngine engine, Workload w, Profile profile)
            throws IOException, InterruptedException {
        String suffix = engine.language() == Language.PYTHON ? ".py" : ".js";
        Path file = Files.createTempFile("wasmbox-native-" + w.key() + "-", suffix);
        try {
            Files.writeString(file, script(engine, w, profile));
            List<String> cmd = new ArrayList<>(engine.command());
            cmd.add(file.toString());
            String output = run(cmd);
            String last = output.strip().lines().reduce((a, b) -> b).orElse("");
            return JSON.readTree(last);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static List<String> freshCommand(NativeEngine engine) {
        List<String> cmd = new ArrayList<>(engine.command());
        if (engine.language() == Language.PYTHON) {
            cmd.addAll(List.of("-c", "print(1+1)"));
        } else {
            cmd.addAll(List.of("-e", "console.log(1+1)"));
        }
        return cmd;
    }

    static double[] freshProcesses(NativeEngine engine, Profile profile) throws IOException, InterruptedException {
        List<String> cmd = freshCommand(engine);
        for (int i = 0; i < 3; i++) checkFresh(engine, run(cmd));
        List<Double> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (profile.measureSeconds() * 1e9);
        while (System.nanoTime() < end || samples.size() < 5) {
            long t = System.nanoTime();
            String out = run(cmd);
            samples.add((double) (System.nanoTime() - t));
            checkFresh(engine, out);
        }
        return samples.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double processThroughput(NativeEngine engine, int threads, Profile profile) throws Exception {
        List<String> cmd = freshCommand(engine);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (profile.measureSeconds() * 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        checkFresh(engine, run(cmd));
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdown();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void checkFresh(NativeEngine engine, String out) {
        Workload.ONE_PLUS_ONE.verify(engine.name() + " process", out.strip());
    }

    static ObjectNode result(NativeEngine engine, String workload, String unit, double[] samples) {
        ObjectNode r = JSON.createObjectNode();
        r.put("language", engine.language().id())
                .put("engine", engine.name())
                .put("workload", workload)
                .put("unit", unit)
                .put("median", Stats.median(samples))
                .put("error", Stats.error999(samples))
                .put("samples", samples.length);
        return r;
    }

    private static double[] toArray(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) d[i] = array.get(i).asDouble();
        return d;
    }

    static String version(List<String> cmd) {
        try {
            return run(cmd).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Runs a command, returns its stdout; stderr (node --jitless warns there) only shows in a failure. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Path err = Files.createTempFile("wasmbox-native-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            int code = p.waitFor();
            String text = new String(out, StandardCharsets.UTF_8);
            if (code != 0) {
                throw new IllegalStateException(
                        String.join(" ", cmd) + " exited " + code + ": " + text + Files.readString(err));
            }
            return text;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Median and a 99.9% confidence half-width, as JMH reports for its scores. */
    static final class Stats {
        static double median(double[] samples) {
            double[] s = samples.clone();
            Arrays.sort(s);
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        /** Normal approximation: 3.29 standard errors (NaN for fewer than 2 samples). */
        static double error999(double[] samples) {
            int n = samples.length;
            if (n < 2) return Double.NaN;
            double mean = Arrays.stream(samples).average().orElse(0);
            double var =
                    Arrays.stream(samples).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
            return 3.29 * Math.sqrt(var / n);
        }
    }
}
