package io.wasmbox.samples.service;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Append-only JSON-lines audit log with size-based rotation: when a line would take the file past its
 * size, {@code audit.jsonl} becomes {@code audit.jsonl.1}, {@code .1} becomes {@code .2}, ... and the
 * oldest beyond {@code keep} is deleted. A failing disk never fails a request: it is logged and skipped.
 *
 * <p>Every line is bounded: strings are cut at {@link #MAX_FIELD} characters with a {@code ...[+N chars]}
 * marker, and a line never exceeds {@link #MAX_LINE} bytes. Every character outside ASCII is written as a
 * {@code \\uXXXX} escape, so U+2028, U+2029 and U+0085 never split a line for a line-oriented reader.
 *
 * <p>Each client has a byte budget per minute in the main file; lines of a client over its budget go to the
 * overflow file ({@code audit.jsonl.overflow}, rotated alike), so one client's flood rotates out only its own
 * records, never the others'.
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    /** Longest string field kept whole. */
    static final int MAX_FIELD = 256;
    /** Longest line written, in bytes. */
    static final int MAX_LINE = 8192;

    private static final int SWEEP_ABOVE = 10_000;
    private static final ObjectWriter WRITER = Http.JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private final Rotating main;
    private final Rotating overflow;
    private final long budget;
    private final LongSupplier clock;
    private final Map<String, double[]> buckets = new HashMap<>();

    private AuditLog(Path file, long maxBytes, int keep, long budget, LongSupplier nanoClock) {
        this.main = file == null ? null : new Rotating(file, maxBytes, keep);
        this.overflow = file == null
                ? null
                : new Rotating(file.resolveSibling(file.getFileName() + ".overflow"), maxBytes, keep);
        this.budget = budget;
        this.clock = nanoClock;
    }

    /** An audit log at {@code file}, or one that discards everything when {@code file} is null. */
    static AuditLog open(Path file, long maxBytes, int keep) throws IOException {
        return open(file, maxBytes, keep, Long.MAX_VALUE / 4, System::nanoTime);
    }

    static AuditLog open(Path file, long maxBytes, int keep, long clientBudgetPerMinute, LongSupplier nanoClock)
            throws IOException {
        AuditLog log = new AuditLog(file, maxBytes, keep, clientBudgetPerMinute, nanoClock);
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            log.main.reopen();
        }
        return log;
    }

    boolean enabled() {
        return main != null;
    }

    Path file() {
        return main == null ? null : main.file;
    }

    Path overflowFile() {
        return overflow == null ? null : overflow.file;
    }

    /** {@code text} cut to {@code max} characters with a marker saying how many were dropped. */
    static String truncate(String text, int max) {
        if (text == null || text.length() <= max) return text;
        int cut = max;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) cut--;
        return text.substring(0, cut) + "...[+" + (text.length() - cut) + " chars]";
    }

    /** Appends one record of {@code client} as one bounded JSON line. */
    void write(String client, Map<String, Object> record) {
        if (main == null) return;
        byte[] line = serialise(record);
        boolean inBudget;
        synchronized (buckets) {
            if (buckets.size() > SWEEP_ABOVE) sweep();
            long now = clock.getAsLong();
            double[] b = buckets.computeIfAbsent(client == null ? "" : client, k -> new double[] {budget, now});
            b[0] = Math.min(budget, b[0] + (now - (long) b[1]) * (budget / 60e9));
            b[1] = now;
            inBudget = b[0] >= line.length;
            if (inBudget) b[0] -= line.length;
        }
        if (!inBudget) {
            Map<String, Object> marked = new LinkedHashMap<>(record);
            marked.put("over_budget", true);
            line = serialise(marked);
        }
        (inBudget ? main : overflow).append(line);
    }

    static byte[] serialise(Map<String, Object> record) {
        Map<String, Object> bounded = bound(record);
        try {
            byte[] line = (WRITER.writeValueAsString(bounded) + "\n").getBytes(StandardCharsets.UTF_8);
            if (line.length <= MAX_LINE) return line;
            // still too long (many long nested values): keep the identifying fields only
            Map<String, Object> small = new LinkedHashMap<>();
            for (String k : List.of(
                    "time",
                    "execution_id",
                    "endpoint",
                    "client",
                    "language",
                    "code_sha256",
                    "code_bytes",
                    "outcome",
                    "http_status",
                    "total_ms")) {
                if (bounded.containsKey(k)) small.put(k, bounded.get(k));
            }
            small.put("truncated", true);
            return (WRITER.writeValueAsString(small) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "audit record not serialisable", e);
            return ("{\"error\":\"audit record not serialisable\"}\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T bound(T value) {
        if (value instanceof String s) return (T) truncate(s, MAX_FIELD);
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet())
                out.put(truncate(String.valueOf(e.getKey()), 64), bound(e.getValue()));
            return (T) out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(bound(o));
            return (T) out;
        }
        return value;
    }

    private void sweep() {
        long now = clock.getAsLong();
        buckets.values().removeIf(b -> b[0] + (now - (long) b[1]) * (budget / 60e9) >= budget);
    }

    @Override
    public void close() {
        if (main == null) return;
        main.close();
        overflow.close();
    }

    /** One file with its rotation. */
    private static final class Rotating {
        final Path file;
        final long maxBytes;
        final int keep;
        OutputStream out;
        long size;

        Rotating(Path file, long maxBytes, int keep) {
            this.file = file;
            this.maxBytes = maxBytes;
            this.keep = keep;
        }

        synchronized void append(byte[] line) {
            try {
                if (out == null) reopen();
                if (size > 0 && size + line.length > maxBytes) rotate();
                out.write(line);
                out.flush();
                size += line.length;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "audit log write failed: " + e.getMessage());
            }
        }

        private void rotate() throws IOException {
            out.close();
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(rotated(i)))
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
            reopen();
        }

        private Path rotated(int n) {
            return file.resolveSibling(file.getFileName() + "." + n);
        }

        void reopen() throws IOException {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(file);
        }

        synchronized void close() {
            if (out == null) return;
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing audit log", e);
            }
        }
    }
}
