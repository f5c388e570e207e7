package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one results directory (written by {@code benchmarks/run.sh}: {@code jmh.json} from JMH {@code -rf
 * json}, {@code native.json} from {@link NativeReference}, {@code footprint.json} from {@link
 * IdleFootprint}, {@code timeline.md} and its charts from {@link TimelineReport}) into the markdown tables of
 * docs/BENCHMARKS.md: the machine and JVM flags, then one table per workload and language with each engine's
 * median (or mean) and error, its ratio to the native reference(s), and Wasmbox's ratio to it, then the
 * warm-up timeline when the run has one. No figure is written by hand: everything comes from the JSON.
 *
 * <p>{@code java -cp benchmarks.jar io.wasmbox.benchmarks.Report RESULTS_DIR [--out FILE]}: prints the
 * markdown, or with {@code --out} writes it into FILE between the {@code <!-- benchmark-results:begin -->}
 * and {@code <!-- benchmark-results:end -->} markers (appended with them when FILE lacks them).
 */
public final class Report {
    static final String BEGIN = "<!-- benchmark-results:begin -->";
    static final String END = "<!-- benchmark-results:end -->";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The engine name of Wasmbox's rows measured after the long warm-up (run.sh's steady part). */
    static final String STEADY = "wasmbox-steady";

    /** One figure. Times in ns, throughput in ops/s, memory in bytes. */
    record Row(
            String language,
            String workload,
            String engine,
            String stat,
            double value,
            double error,
            Kind kind,
            double p99) {
        Row(String language, String workload, String engine, String stat, double value, double error, Kind kind) {
            this(language, workload, engine, stat, value, error, kind, Double.NaN);
        }
    }

    enum Kind {
        TIME,
        THROUGHPUT,
        BYTES
    }

    /** Table order and titles; workloads not listed here follow in name order. */
    static final Map<String, String> TITLES = new LinkedHashMap<>();

    static {
        TITLES.put(
                "freshSandboxFirstResult", "Fresh sandbox to first result (new sandbox/context/process, `1+1`, close)");
        TITLES.put("freshThroughput1Thread", "Fresh-sandbox executions per second, 1 thread");
        TITLES.put("freshThroughput2Threads", "Fresh-sandbox executions per second, 2 threads");
        TITLES.put("freshThroughput4Threads", "Fresh-sandbox executions per second, 4 threads");
        TITLES.put("warmOnePlusOne", "Warm `1+1` (native: `eval(\"1+1\")` in a running process)");
        TITLES.put("hostCallRoundTrip", "Host-function round trip (guest -> host `noop(x)` -> guest), per call");
        TITLES.put("invokeFunction", "Host invoking a guest function, `add(1, 2)`");
        for (String key : Workload.CPU_KEYS.split(","))
            TITLES.put(key, Workload.byKey(key).title());
        TITLES.put("idleHeapPerSandbox", "Retained Java heap per idle sandbox (after `1+1`)");
        TITLES.put(
                "idleLinearMemoryPerSandbox",
                "Wasm linear memory size per idle sandbox (its address space; pages still shared with the snapshot are not retained per sandbox)");
        TITLES.put("idleProcessRss", "Resident memory of one idle native process (after `1+1`)");
    }

    /** Reference engines per language, for the ratio columns. */
    static final Map<String, List<String>> NATIVE = Map.of(
            "javascript", List.of("node", "node-jitless"),
            "python", List.of("cpython"));

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report RESULTS_DIR [--out FILE]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path out = args.length >= 3 && args[1].equals("--out") ? Path.of(args[2]) : null;
        // the timeline's charts are linked relative to the file the markdown goes into
        Path charts = out == null ? dir : out.toAbsolutePath().getParent().relativize(dir.toAbsolutePath());
        String markdown = render(dir, charts);
        if (out != null) {
            String existing = Files.exists(out) ? Files.readString(out) : "";
            String block = BEGIN + "\n" + markdown + END + "\n";
            int b = existing.indexOf(BEGIN);
            int e = existing.indexOf(END);
            String updated = b >= 0 && e > b
                    ? existing.substring(0, b)
                            + block
                            + existing.substring(e + END.length()).replaceFirst("^\n", "")
                    : existing + (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + block;
            Files.writeString(out, updated);
            System.err.println("wrote " + out);
        } else {
            System.out.print(markdown);
        }
    }

    static String render(Path dir, Path charts) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Row> flagRows = new ArrayList<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        JsonNode nativeJson = read(dir.resolve("native.json"));
        JsonNode footprint = read(dir.resolve("footprint.json"));
        JsonNode jmh = read(dir.resolve("jmh.json"));
        JsonNode steady = read(dir.resolve("jmh-steady.json"));

        md.append("Results of `").append(dir.getFileName()).append("`");
        JsonNode machine =
                nativeJson != null ? nativeJson.get("machine") : footprint != null ? footprint.get("machine") : null;
        if (nativeJson != null && nativeJson.has("profile"))
            md.append(", profile `").append(nativeJson.get("profile").asText()).append('`');
        md.append(".\n\n");
        if (machine != null) {
            md.append("- Machine: ")
                    .append(machine.path("cpu").asText())
                    .append(", ")
                    .append(machine.path("cores").asInt())
                    .append(" cores, ")
                    .append(machine.path("memory").asText())
                    .append(" memory, ")
                    .append(machine.path("os").asText())
                    .append('\n');
            md.append("- JVM: ").append(machine.path("jvm").asText()).append('\n');
        }
        if (jmh != null) {
            Map<String, String> forkArgs = new LinkedHashMap<>();
            for (JsonNode b : jmh) {
                List<String> a = new ArrayList<>();
                b.path("jvmArgs").forEach(x -> {
                    if (!a.contains(x.asText())) a.add(x.asText()); // -f 0 lists the launcher's flags twice
                });
                forkArgs.putIfAbsent(simpleClass(b.get("benchmark").asText()), String.join(" ", a));
            }
            if (machine == null && !jmh.isEmpty()) {
                md.append("- JVM: ")
                        .append(jmh.get(0).path("vmName").asText())
                        .append(' ')
                        .append(jmh.get(0).path("jdkVersion").asText())
                        .append('\n');
            }
            forkArgs.forEach((cls, a) -> md.append("- JMH forks of `")
                    .append(cls)
                    .append("`: `")
                    .append(a)
                    .append("`\n"));
            for (JsonNode b : jmh) parseJmh(b, rows, flagRows);
        }
        if (steady != null && !steady.isEmpty()) {
            // warm-up and measurement per benchmark; a rerun of some rows may have used other settings
            Map<String, List<String>> settings = new LinkedHashMap<>();
            for (JsonNode b : steady) {
                String setting = b.path("warmupIterations").asInt() + " warm-up iterations of "
                        + b.path("warmupTime").asText() + " before "
                        + b.path("measurementIterations").asInt() + " of "
                        + b.path("measurementTime").asText();
                String name = b.get("benchmark").asText();
                String params = b.path("params").has("workload")
                        ? " " + b.path("params").path("workload").asText()
                        : "";
                settings.computeIfAbsent(setting, k -> new ArrayList<>())
                        .add("`" + simpleClass(name) + name.substring(name.lastIndexOf('.')) + params + "`");
            }
            md.append("- Steady state (`")
                    .append(STEADY)
                    .append("` rows, `jmh-steady.json`): Wasmbox alone, a fork per ")
                    .append("benchmark, same fork flags; ");
            List<String> parts = new ArrayList<>();
            settings.forEach((setting, benchmarks) ->
                    parts.add(setting + (settings.size() == 1 ? "" : " (" + String.join(", ", benchmarks) + ")")));
            md.append(String.join("; ", parts)).append('\n');
            List<Row> steadyRows = new ArrayList<>();
            for (JsonNode b : steady) parseJmh(b, steadyRows, new ArrayList<>());
            for (Row r : steadyRows) {
                rows.add(
                        new Row(r.language(), r.workload(), STEADY, r.stat(), r.value(), r.error(), r.kind(), r.p99()));
            }
        }
        for (JsonNode doc : new JsonNode[] {footprint, nativeJson}) {
            if (doc == null) continue;
            doc.path("engines")
                    .forEach(e -> descriptions.putIfAbsent(
                            e.get("language").asText() + "/" + e.get("engine").asText(),
                            e.get("description").asText()));
            for (JsonNode r : doc.path("results")) rows.add(parseOwn(r));
        }
        if (footprint != null)
            md.append("- Idle footprint: ")
                    .append(footprint.path("count").asInt())
                    .append(" idle sandboxes per JVM engine, each engine in its own JVM\n");
        if (!descriptions.isEmpty()) {
            md.append("\nEngines:\n\n");
            descriptions.forEach(
                    (k, v) -> md.append("- `").append(k).append("`: ").append(v).append('\n'));
        }
        md.append("""

                How to read the tables: *stat* is the median (JMH sample mode, native samples) or the mean \
                (JMH average-time and throughput modes); *error* is the 99.9% confidence half-width (JMH's \
                score error; for native samples 3.29 standard errors); *p99* is the 99th percentile of JMH's samples \
                (sample mode only). Ratio columns are *cost of this row / \
                cost of the reference* (time, memory, or 1/throughput): above 1 means slower or bigger than \
                the reference. *Wasmbox / this* is the Wasmbox row's cost over this row's.
                """);

        Set<String> workloads = new TreeSet<>();
        rows.forEach(r -> workloads.add(r.workload()));
        List<String> ordered = new ArrayList<>(TITLES.keySet());
        ordered.retainAll(workloads);
        workloads.stream().filter(w -> !ordered.contains(w)).forEach(ordered::add);
        for (String workload : ordered) {
            for (String language : List.of("javascript", "python")) {
                List<Row> table = rows.stream()
                        .filter(r ->
                                r.workload().equals(workload) && r.language().equals(language))
                        .toList();
                if (!table.isEmpty()) table(md, workload, language, table);
            }
        }
        if (!flagRows.isEmpty()) flagTable(md, flagRows);
        timeline(md, dir, charts);
        return md.toString();
    }

    /**
     * The warm-up timeline of the same run ({@link TimelineReport}'s {@code timeline.md}, run.sh's timeline part),
     * one heading level down to sit among the tables, its charts linked through {@code charts}.
     */
    private static void timeline(StringBuilder md, Path dir, Path charts) throws IOException {
        Path timeline = dir.resolve("timeline.md");
        if (!Files.exists(timeline)) return;
        String prefix = charts.toString().replace('\\', '/') + "/";
        md.append('\n')
                .append(Files.readString(timeline)
                        .replaceAll("(?m)^(#{2,}) ", "#$1 ")
                        .replace("](timeline-", "](" + prefix + "timeline-"));
    }

    private static void table(StringBuilder md, String workload, String language, List<Row> table) {
        md.append("\n### ")
                .append(TITLES.getOrDefault(workload, workload))
                .append(" — ")
                .append(language)
                .append("\n\n");
        Kind kind = table.getFirst().kind();
        double smallest =
                table.stream().mapToDouble(Row::value).filter(v -> v > 0).min().orElse(1);
        String[] unit = unit(kind, smallest);
        List<String> refs = NATIVE.get(language).stream()
                .filter(n -> table.stream().anyMatch(r -> r.engine().equals(n)))
                .toList();
        Row wasmbox = table.stream()
                .filter(r -> r.engine().equals("wasmbox"))
                .findFirst()
                .orElse(null);
        boolean percentiles = table.stream().anyMatch(r -> !Double.isNaN(r.p99()));
        md.append("| engine | stat | ").append(unit[0]).append(" | ± error |");
        if (percentiles) md.append(" p99 |");
        refs.forEach(n -> md.append(" / ").append(n).append(" |"));
        if (wasmbox != null) md.append(" Wasmbox / this |");
        md.append("\n|---|---|--:|--:|");
        if (percentiles) md.append("--:|");
        refs.forEach(n -> md.append("--:|"));
        if (wasmbox != null) md.append("--:|");
        md.append('\n');
        List<Row> sorted = new ArrayList<>(table);
        sorted.sort((a, b) -> Double.compare(cost(a), cost(b)));
        for (Row r : sorted) {
            md.append("| ")
                    .append(r.engine().startsWith("wasmbox") ? "**" + r.engine() + "**" : r.engine())
                    .append(" | ")
                    .append(r.stat())
                    .append(" | ")
                    .append(num(r.value() / Double.parseDouble(unit[1])))
                    .append(" | ")
                    .append(Double.isNaN(r.error()) ? "" : num(r.error() / Double.parseDouble(unit[1])))
                    .append(" |");
            if (percentiles)
                md.append(' ')
                        .append(num(r.p99() / Double.parseDouble(unit[1])))
                        .append(" |");
            for (String n : refs) {
                Row ref = table.stream()
                        .filter(x -> x.engine().equals(n))
                        .findFirst()
                        .orElseThrow();
                md.append(' ').append(ratio(cost(r) / cost(ref))).append(" |");
            }
            if (wasmbox != null)
                md.append(' ')
                        .append(r == wasmbox ? "1" : ratio(cost(wasmbox) / cost(r)))
                        .append(" |");
            md.append('\n');
        }
    }

    private static void flagTable(StringBuilder md, List<Row> flagRows) {
        md.append("\n### Wasmbox alone: default JVM flags vs the JIT flags (`SandboxBenchmarks`)\n\n");
        md.append("| language | benchmark | default flags | JIT flags | default / JIT |\n|---|---|--:|--:|--:|\n");
        Map<String, Row[]> pairs = new LinkedHashMap<>();
        for (Row r : flagRows) {
            Row[] pair = pairs.computeIfAbsent(r.language() + "|" + r.workload(), k -> new Row[2]);
            pair[r.engine().equals("default") ? 0 : 1] = r;
        }
        pairs.forEach((k, p) -> {
            String[] lw = k.split("\\|");
            Row any = p[0] != null ? p[0] : p[1];
            String[] unit = unit(any.kind(), any.value());
            md.append("| ").append(lw[0]).append(" | ").append(lw[1]).append(" | ");
            md.append(p[0] == null ? "" : num(p[0].value() / Double.parseDouble(unit[1])) + " " + unit[0])
                    .append(" | ");
            md.append(p[1] == null ? "" : num(p[1].value() / Double.parseDouble(unit[1])) + " " + unit[0])
                    .append(" | ");
            md.append(p[0] == null || p[1] == null ? "" : ratio(cost(p[0]) / cost(p[1])))
                    .append(" |\n");
        });
    }

    static void parseJmh(JsonNode b, List<Row> rows, List<Row> flagRows) {
        String full = b.get("benchmark").asText();
        String cls = simpleClass(full);
        String method = full.substring(full.lastIndexOf('.') + 1);
        JsonNode params = b.path("params");
        JsonNode pm = b.get("primaryMetric");
        String mode = b.get("mode").asText();
        String unit = pm.get("scoreUnit").asText();
        boolean sample = mode.equals("sample") && pm.has("scorePercentiles");
        double value = sample
                ? pm.get("scorePercentiles").get("50.0").asDouble()
                : pm.get("score").asDouble();
        double error = pm.path("scoreError").asDouble(Double.NaN);
        Kind kind = unit.startsWith("ops/") ? Kind.THROUGHPUT : Kind.TIME;
        double factor = factor(unit);
        Row row;
        if (cls.startsWith("SandboxBenchmarks")) {
            String flags = cls.endsWith("DefaultJvmFlags") ? "default" : "jit";
            flagRows.add(new Row(
                    params.path("language").asText(),
                    method,
                    flags,
                    sample ? "median" : "mean",
                    value * factor,
                    error * factor,
                    kind));
            return;
        }
        String language = cls.contains("Python") ? "python" : "javascript";
        String workload = cls.endsWith("Workloads") ? params.get("workload").asText() : method;
        double p99 = sample ? pm.get("scorePercentiles").get("99.0").asDouble() * factor : Double.NaN;
        row = new Row(
                language,
                workload,
                params.get("engine").asText(),
                sample ? "median" : "mean",
                value * factor,
                error * factor,
                kind,
                p99);
        rows.add(row);
    }

    static Row parseOwn(JsonNode r) {
        String unit = r.get("unit").asText();
        Kind kind = unit.equals("bytes") ? Kind.BYTES : unit.startsWith("ops/") ? Kind.THROUGHPUT : Kind.TIME;
        double f = kind == Kind.BYTES ? 1 : factor(unit);
        String stat = kind == Kind.THROUGHPUT ? "mean" : kind == Kind.BYTES ? "value" : "median";
        return new Row(
                r.get("language").asText(),
                r.get("workload").asText(),
                r.get("engine").asText(),
                stat,
                r.get("median").asDouble() * f,
                r.path("error").asDouble(Double.NaN) * f,
                kind);
    }

    /** To ns for times, to ops/s for throughput. */
    static double factor(String unit) {
        return switch (unit) {
            case "ns", "ns/op" -> 1;
            case "us", "us/op" -> 1e3;
            case "ms", "ms/op" -> 1e6;
            case "s", "s/op" -> 1e9;
            case "ops/ns" -> 1e9;
            case "ops/us" -> 1e6;
            case "ops/ms" -> 1e3;
            case "ops/s" -> 1;
            case "ops/min" -> 1 / 60.0;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }

    /** Display unit name and its size in the internal unit. */
    static String[] unit(Kind kind, double smallest) {
        return switch (kind) {
            case THROUGHPUT -> new String[] {"ops/s", "1"};
            case BYTES -> new String[] {"MiB", Double.toString(1 << 20)};
            case TIME ->
                smallest >= 1e6
                        ? new String[] {"ms", "1e6"}
                        : smallest >= 1e3 ? new String[] {"µs", "1e3"} : new String[] {"ns", "1"};
        };
    }

    static double cost(Row r) {
        return r.kind() == Kind.THROUGHPUT ? 1 / r.value() : r.value();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : num(v) + "×";
    }

    private static String simpleClass(String benchmark) {
        String noMethod = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return noMethod.substring("io.wasmbox.benchmarks.".length()).replace('$', '.');
    }

    private static JsonNode read(Path p) throws IOException {
        return Files.exists(p) ? JSON.readTree(p.toFile()) : null;
    }
}
