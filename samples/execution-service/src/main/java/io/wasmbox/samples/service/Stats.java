package io.wasmbox.samples.service;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/** Service counters and, per language, execution-time percentiles over the most recent runs. */
final class Stats {
    /** Execution times kept per language for percentiles. */
    static final int WINDOW = 1000;

    private final long startedMillis = System.currentTimeMillis();
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> outcomes = new TreeMap<>();
    private final Map<String, LongAdder> rejections = new TreeMap<>();
    private final Map<String, Window> languages = new TreeMap<>();

    /** Counts an execution request, whatever becomes of it. */
    void request() {
        requests.increment();
    }

    synchronized void executed(String language, String status, long millis) {
        outcomes.computeIfAbsent(status, k -> new LongAdder()).increment();
        languages.computeIfAbsent(language, k -> new Window()).add(millis, status.equals("success"));
    }

    synchronized void rejected(String reason) {
        rejections.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    synchronized Map<String, Object> snapshot(int running, int queued) {
        long executions = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
        long successes =
                outcomes.containsKey("success") ? outcomes.get("success").sum() : 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000);
        m.put("total_requests", requests.sum());
        m.put("total_executions", executions);
        m.put("success_rate", executions == 0 ? null : Math.round(successes * 10000.0 / executions) / 10000.0);
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (String s : new String[] {"success", "error", "timeout", "memory_limit"}) byStatus.put(s, 0L);
        outcomes.forEach((k, v) -> byStatus.put(k, v.sum()));
        m.put("by_status", byStatus);
        Map<String, Long> rejected = new LinkedHashMap<>();
        rejections.forEach((k, v) -> rejected.put(k, v.sum()));
        m.put("rejected", rejected);
        m.put("running", running);
        m.put("queued", queued);
        Map<String, Object> perLanguage = new LinkedHashMap<>();
        languages.forEach((k, w) -> perLanguage.put(k, w.summary()));
        m.put("languages", perLanguage);
        return m;
    }

    /** Totals plus a ring of the last {@link #WINDOW} execution times. */
    private static final class Window {
        private final long[] times = new long[WINDOW];
        private int count;
        private long total;
        private long successes;

        void add(long millis, boolean success) {
            times[(int) (total % WINDOW)] = millis;
            total++;
            if (success) successes++;
            count = (int) Math.min(total, WINDOW);
        }

        Map<String, Object> summary() {
            long[] sorted = Arrays.copyOf(times, count);
            Arrays.sort(sorted);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("executions", total);
            m.put("success_rate", total == 0 ? null : Math.round(successes * 10000.0 / total) / 10000.0);
            m.put("p50_ms", percentile(sorted, 50));
            m.put("p95_ms", percentile(sorted, 95));
            m.put("max_ms", count == 0 ? null : sorted[count - 1]);
            m.put("window", count);
            return m;
        }

        /** Nearest-rank percentile. */
        private static Long percentile(long[] sorted, int p) {
            if (sorted.length == 0) return null;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }
}
