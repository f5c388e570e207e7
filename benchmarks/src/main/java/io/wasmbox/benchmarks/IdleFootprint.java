package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.benchmarks.contenders.Contender;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Retained memory per idle sandbox. For each JVM engine, in a JVM of its own (same flags as this one):
 * open one session and run {@code 1+1} (class loading, snapshots, shared engine), full GC, read the used
 * heap; then open N more sessions, each runs {@code 1+1} and stays open; full GC; report (heap after -
 * heap before) / N. That is everything a sandbox retains on its own; what all sandboxes share (the
 * engine, and for Wasmbox the interpreter's snapshot) is in the baseline, reported once as {@code
 * heapFirstSession} (heap with the engine and one session open, minus the heap before the engine).
 *
 * <p>For Wasmbox also the size of each sandbox's linear memory (what the guest sees). It is not what the
 * sandbox retains: a sandbox's memory shares the snapshot's pages and owns only the 64 KiB pages it has
 * written (copy on write), and only those are in the heap figure. Native processes: the resident set
 * (VmRSS) of one idle {@code node} / {@code python3} process after printing {@code 1+1}.
 *
 * <p>{@code java -cp benchmarks.jar io.wasmbox.benchmarks.IdleFootprint --count N --out F.json}; {@code
 * --engine javascript:rhino} measures one engine in this JVM and prints its JSON line.
 */
public final class IdleFootprint {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int count = 20;
        Path out = Path.of("footprint.json");
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--engine" -> only = args[++i];
                default -> throw new IllegalArgumentException("usage: --count N --out FILE [--engine language:engine]");
            }
        }
        if (only != null) {
            String[] le = only.split(":");
            Language language = le[0].equals("python") ? Language.PYTHON : Language.JAVASCRIPT;
            System.out.println(JSON.writeValueAsString(measure(language, le[1], count)));
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", "footprint");
        root.put("count", count);
        root.set("machine", Machine.describe());
        ArrayNode engines = root.putArray("engines");
        ArrayNode results = root.putArray("results");
        for (String[] e : Verify.ENGINES) {
            String id = e[0] + ":" + e[1];
            System.err.println("footprint: " + id);
            JsonNode r = child(id, count);
            engines.addObject()
                    .put("language", e[0])
                    .put("engine", e[1])
                    .put("description", r.get("description").asText());
            results.add(row(
                    e[0], e[1], "idleHeapPerSandbox", r.get("heapPerSandbox").asDouble()));
            if (r.get("linearMemoryPerSandbox").asLong() >= 0) {
                results.add(row(
                        e[0],
                        e[1],
                        "idleLinearMemoryPerSandbox",
                        r.get("linearMemoryPerSandbox").asDouble()));
            }
            System.err.printf(
                    "  retained heap/sandbox %.2f MiB (engine + first session %.1f MiB, once)%s%n",
                    r.get("heapPerSandbox").asDouble() / (1 << 20),
                    r.get("heapFirstSession").asDouble() / (1 << 20),
                    r.get("linearMemoryPerSandbox").asLong() < 0
                            ? ""
                            : String.format(
                                    ", guest linear memory %.2f MiB (its pages shared until written)",
                                    r.get("linearMemoryPerSandbox").asDouble() / (1 << 20)));
        }
        for (NativeReference.NativeEngine engine : NativeReference.engines()) {
            if (engine.name().equals("node-jitless")) continue;
            long rss = nativeRss(engine);
            engines.addObject()
                    .put("language", engine.language().id())
                    .put("engine", engine.name())
                    .put("description", engine.version());
            results.add(row(engine.language().id(), engine.name(), "idleProcessRss", rss));
            System.err.printf("footprint: %s idle process RSS %.2f MiB%n", engine.name(), rss / (double) (1 << 20));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
        System.err.println("wrote " + out);
    }

    private static ObjectNode row(String language, String engine, String workload, double bytes) {
        ObjectNode r = JSON.createObjectNode();
        r.put("language", language)
                .put("engine", engine)
                .put("workload", workload)
                .put("unit", "bytes")
                .put("median", bytes)
                .put("samples", 1);
        return r;
    }

    /** Runs {@code --engine id} in a new JVM with this JVM's flags and class path. */
    private static JsonNode child(String id, int count) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                IdleFootprint.class.getName(),
                "--engine",
                id,
                "--count",
                Integer.toString(count)));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(id + " footprint failed: " + out);
        return JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    static ObjectNode measure(Language language, String engine, int count) {
        long empty = usedHeapAfterGc();
        try (Contender contender = Contender.create(engine, language)) {
            List<Contender.Session> sessions = new ArrayList<>();
            Contender.Session first = contender.open(false);
            Workload.ONE_PLUS_ONE.verify(engine, first.eval(Workload.ONE_PLUS_ONE.expression(language)));
            long before = usedHeapAfterGc();
            long linear = 0;
            for (int i = 0; i < count; i++) {
                Contender.Session s = contender.open(false);
                Workload.ONE_PLUS_ONE.verify(engine, s.eval(Workload.ONE_PLUS_ONE.expression(language)));
                linear += s.linearMemoryBytes();
                sessions.add(s);
            }
            long after = usedHeapAfterGc();
            ObjectNode r = JSON.createObjectNode();
            r.put("description", contender.description());
            r.put("heapPerSandbox", (after - before) / (double) count);
            r.put("heapFirstSession", before - empty);
            r.put("linearMemoryPerSandbox", linear < 0 ? -1 : linear / count);
            sessions.forEach(Contender.Session::close);
            first.close();
            return r;
        }
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long nativeRss(NativeReference.NativeEngine engine) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(engine.command());
        if (engine.language() == Language.PYTHON) {
            cmd.addAll(List.of("-c", "import sys\nprint(1+1, flush=True)\nsys.stdin.read()"));
        } else {
            cmd.addAll(List.of("-e", "console.log(1+1); process.stdin.resume()"));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            int c;
            StringBuilder line = new StringBuilder();
            while ((c = p.getInputStream().read()) != -1 && c != '\n') line.append((char) c);
            Workload.ONE_PLUS_ONE.verify(engine.name(), line.toString().strip());
            Thread.sleep(200);
            for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for " + engine.name());
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
