package io.wasmbox.samples.service;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Append-only JSON-lines audit log with size-based rotation: when a line would take the file past its
 * size, {@code audit.jsonl} becomes {@code audit.jsonl.1}, {@code .1} becomes {@code .2}, ... and the
 * oldest beyond {@code keep} is deleted. A failing disk never fails a request: it is logged and skipped.
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;

    private AuditLog(Path file, long maxBytes, int keep) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** An audit log at {@code file}, or one that discards everything when {@code file} is null. */
    static AuditLog open(Path file, long maxBytes, int keep) throws IOException {
        AuditLog log = new AuditLog(file, maxBytes, keep);
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            log.reopen();
        }
        return log;
    }

    boolean enabled() {
        return file != null;
    }

    Path file() {
        return file;
    }

    /** Appends one record as a JSON line. */
    void write(Map<String, Object> record) {
        if (file == null) return;
        byte[] line;
        try {
            line = (Http.JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "audit record not serialisable", e);
            return;
        }
        synchronized (this) {
            try {
                if (size > 0 && size + line.length > maxBytes) rotate();
                out.write(line);
                out.flush();
                size += line.length;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "audit log write failed: " + e.getMessage());
            }
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        reopen();
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void reopen() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    @Override
    public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing audit log", e);
        }
    }
}
