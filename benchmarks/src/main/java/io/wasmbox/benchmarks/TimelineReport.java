package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tables and SVG charts of a {@link WarmupTimeline} run: {@code java -cp benchmarks.jar
 * io.wasmbox.benchmarks.TimelineReport DIR [NAME]} reads {@code DIR/NAME.json} (JMH's JSON) and {@code
 * DIR/NAME.log} (JMH's log, for each fork's {@code timeline-setup}) and writes {@code DIR/NAME.md} and one
 * {@code DIR/NAME-<chart>.svg} per chart: time per operation against seconds of JVM life, one line per
 * configuration, logarithmic time axis. NAME defaults to {@code timeline}. A chart is a language and
 * benchmark, and a line a {@link WarmupTimeline} subclass; for {@link RuntimeLineTimeline} a chart is a
 * {@code workload} and a line a runtime {@code line}.
 */
public final class TimelineReport {
    private static final Pattern BENCHMARK = Pattern.compile("^# Benchmark: (\\S+)");
    private static final Pattern PARAMETERS = Pattern.compile("^# Parameters: \\((.*)\\)");
    private static final Pattern SETUP = Pattern.compile("timeline-setup (\\d+)");
    private static final String[] COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"};

    private TimelineReport() {}

    /** One fork: a configuration's timeline of one benchmark in one language. */
    record Series(String config, double setupSeconds, double[] perSecond, String unit) {
        /** Median of the last ten seconds: the steady state as far as this minute shows it. */
        double steady() {
            double[] tail = Arrays.copyOfRange(perSecond, Math.max(0, perSecond.length - 10), perSecond.length);
            Arrays.sort(tail);
            return tail[tail.length / 2];
        }

        /** The first second of JVM life from which every later second is within 2x of steady, or -1. */
        double withinTwiceSteadyAt() {
            double limit = 2 * steady();
            for (int i = 0; i < perSecond.length; i++) {
                boolean all = true;
                for (int j = i; j < perSecond.length && all; j++) all = perSecond[j] <= limit;
                if (all) return setupSeconds + i + 1;
            }
            return -1;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        String name = args.length > 1 ? args[1] : "timeline";
        Map<String, Double> setups = setups(dir.resolve(name + ".log"));
        JsonNode results =
                new ObjectMapper().readTree(dir.resolve(name + ".json").toFile());
        String benchmarkClass = "";
        // chart key (language, benchmark) -> series per configuration
        Map<String, List<Series>> charts = new TreeMap<>();
        for (JsonNode r : results) {
            String[] parts = r.path("benchmark").asText().split("\\.");
            String method = parts[parts.length - 1];
            JsonNode params = r.path("params");
            boolean lines = params.has("line");
            benchmarkClass = parts[parts.length - (lines ? 2 : 3)];
            String config = lines ? params.path("line").asText() : parts[parts.length - 2];
            String chartKey = lines
                    ? params.path("workload").asText()
                    : params.path("language").asText() + "-" + method;
            JsonNode raw = r.path("primaryMetric").path("rawData").path(0);
            double[] values = new double[raw.size()];
            for (int i = 0; i < values.length; i++) values[i] = raw.get(i).asDouble();
            double setup = setups.getOrDefault(r.path("benchmark").asText() + "/" + parameters(params), 0.0);
            charts.computeIfAbsent(chartKey, k -> new ArrayList<>())
                    .add(new Series(
                            config,
                            setup,
                            values,
                            r.path("primaryMetric").path("scoreUnit").asText()));
        }
        StringBuilder md = new StringBuilder("## Warm-up timeline (" + benchmarkClass + ")\n\n"
                + "Time per operation in second n of guest work, one fork per configuration and benchmark; "
                + "*ready* is the JVM's uptime when the sandbox was ready (second 1 starts there); *steady* is "
                + "the median of the last 10 s; *2x at* is the second of JVM life from which every later second "
                + "stays within 2x of steady.\n");
        for (Map.Entry<String, List<Series>> chart : charts.entrySet()) {
            String unit = chart.getValue().getFirst().unit();
            md.append("\n### ")
                    .append(chart.getKey())
                    .append(" (")
                    .append(unit)
                    .append(")\n\n")
                    .append("![")
                    .append(chart.getKey())
                    .append("](" + name + "-")
                    .append(chart.getKey())
                    .append(".svg)\n\n")
                    .append(
                            "| configuration | ready (s) | s1 | s5 | s10 | s30 | s60 | steady | 2x at (s of JVM life) |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Series s : chart.getValue()) {
                md.append("| ").append(s.config()).append(" | ").append(fmt(s.setupSeconds()));
                for (int second : new int[] {1, 5, 10, 30, 60}) {
                    md.append(" | ").append(second <= s.perSecond().length ? fmt(s.perSecond()[second - 1]) : "");
                }
                double at = s.withinTwiceSteadyAt();
                md.append(" | ")
                        .append(fmt(s.steady()))
                        .append(" | ")
                        .append(at < 0 ? "never" : fmt(at))
                        .append(" |\n");
            }
            Files.writeString(
                    dir.resolve(name + "-" + chart.getKey() + ".svg"), svg(chart.getKey(), unit, chart.getValue()));
        }
        Files.writeString(dir.resolve(name + ".md"), md);
        System.out.println("wrote " + dir.resolve(name + ".md") + " and " + charts.size() + " charts");
    }

    /** A result's parameters as JMH's log prints them: {@code language = python, ...}. */
    static String parameters(JsonNode params) {
        List<String> pairs = new ArrayList<>();
        params.properties()
                .forEach(e -> pairs.add(e.getKey() + " = " + e.getValue().asText()));
        return String.join(", ", pairs);
    }

    /**
     * {@code benchmark/parameters -> seconds}: each fork's {@code timeline-setup}, attributed by the log's
     * headers.
     */
    static Map<String, Double> setups(Path log) throws IOException {
        Map<String, Double> setups = new LinkedHashMap<>();
        if (!Files.exists(log)) return setups;
        String benchmark = null;
        String parameters = null;
        for (String line : Files.readAllLines(log)) {
            Matcher m;
            if ((m = BENCHMARK.matcher(line)).find()) benchmark = m.group(1);
            else if ((m = PARAMETERS.matcher(line)).find()) parameters = m.group(1);
            else if ((m = SETUP.matcher(line)).find() && benchmark != null) {
                setups.put(benchmark + "/" + parameters, Long.parseLong(m.group(1)) / 1000.0);
            }
        }
        return setups;
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A line chart: x = seconds of JVM life, y = time per operation on a log scale. */
    static String svg(String title, String unit, List<Series> series) {
        int w = 720, h = 420, left = 70, right = 170, top = 40, bottom = 50;
        double xMax = 0, yMin = Double.MAX_VALUE, yMax = 0;
        for (Series s : series) {
            xMax = Math.max(xMax, s.setupSeconds() + s.perSecond().length);
            for (double v : s.perSecond()) {
                if (v > 0) {
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
            }
        }
        double lo = Math.floor(Math.log10(yMin)), hi = Math.ceil(Math.log10(yMax));
        if (hi <= lo) hi = lo + 1;
        double plotW = w - left - right, plotH = h - top - bottom;
        double xScale = plotW / Math.max(1, xMax);
        final double loF = lo, hiF = hi;
        DoubleUnaryOperator y = v -> top + plotH * (1 - (Math.log10(v) - loF) / (hiF - loF));
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                w,
                h));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n", left, title));
        for (double p = lo; p <= hi; p++) {
            double yy = y.applyAsDouble(Math.pow(10, p));
            out.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>\n",
                    left,
                    left + plotW,
                    yy,
                    yy,
                    left - 6,
                    yy + 4,
                    fmt(Math.pow(10, p)),
                    unit.replace("/op", "")));
        }
        for (int s = 0; s <= xMax; s += 10) {
            double xx = left + s * xScale;
            out.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
                    xx,
                    xx,
                    top,
                    top + plotH,
                    xx,
                    top + plotH + 16,
                    s));
        }
        out.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">seconds of JVM life</text>\n",
                left + plotW / 2,
                h - 10));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (int n = 0; n < s.perSecond().length; n++) {
                if (s.perSecond()[n] <= 0) continue;
                points.append(String.format(
                        Locale.ROOT,
                        "%.1f,%.1f ",
                        left + (s.setupSeconds() + n + 1) * xScale,
                        y.applyAsDouble(s.perSecond()[n])));
            }
            out.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n",
                    color,
                    points.toString().trim()));
            out.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                    left + plotW + 12,
                    top + 10 + i * 20,
                    color,
                    left + plotW + 30,
                    top + 20 + i * 20,
                    s.config()));
        }
        return out.append("</svg>\n").toString();
    }
}
