package io.wasmbox.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes plugin directories and zips for the tests, and captures the host's log. */
final class TestPlugins {
    private TestPlugins() {}

    /** A plugin's files: {@code plugin.properties} lines and scripts. */
    static final class Spec {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> files = new LinkedHashMap<>();

        Spec(String id, String version) {
            if (id != null) properties.put("plugin.id", id);
            if (version != null) properties.put("plugin.version", version);
        }

        Spec property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        Spec file(String name, String content) {
            files.put(name, content);
            return this;
        }

        String descriptor() {
            StringBuilder sb = new StringBuilder();
            properties.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            return sb.toString();
        }

        Path writeDirectory(Path root, String name) {
            try {
                Path dir = Files.createDirectories(root.resolve(name));
                try (var old = Files.list(dir)) {
                    for (Path p : old.toList()) Files.delete(p);
                }
                Files.writeString(dir.resolve("plugin.properties"), descriptor());
                for (var f : files.entrySet()) Files.writeString(dir.resolve(f.getKey()), f.getValue());
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path writeZip(Path root, String name) {
            Path zip = root.resolve(name);
            try (OutputStream out = Files.newOutputStream(zip);
                    ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry("plugin.properties"));
                z.write(descriptor().getBytes(StandardCharsets.ISO_8859_1));
                for (var f : files.entrySet()) {
                    z.putNextEntry(new ZipEntry(f.getKey()));
                    z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return zip;
        }
    }

    static void deleteRecursively(Path path) {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Spec plugin(String id, String version) {
        return new Spec(id, version);
    }

    static Spec python(String id, String code) {
        return plugin(id, "1.0.0").file("main.py", code);
    }

    static Spec js(String id, String code) {
        return plugin(id, "1.0.0").file("main.js", code);
    }

    /** Records of the {@code io.wasmbox.plugins} loggers while open. */
    static final class LogCapture extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.wasmbox.plugins");
        private final List<LogRecord> records = new ArrayList<>();

        LogCapture() {
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
        }

        synchronized List<String> messages(Level atLeast) {
            List<String> out = new ArrayList<>();
            for (LogRecord r : records) {
                if (r.getLevel().intValue() >= atLeast.intValue()) {
                    out.add(new SimpleFormatter().formatMessage(r));
                }
            }
            return out;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
