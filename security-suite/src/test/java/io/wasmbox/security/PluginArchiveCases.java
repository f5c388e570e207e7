package io.wasmbox.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The plugin-archive family ({@code plugin/archive/*}): plugin directories and zips written by an
 * attacker, dropped into a plugin root next to an honest plugin. Each case names what the host must
 * report for each hostile path ({@code loadFailures()}) and which plugin ids must load.
 */
final class PluginArchiveCases {
    private PluginArchiveCases() {}

    static final String OK = "function transform(t) { return t + '!' }";
    /** The honest plugin every case sits next to; it must load (and, in process, start and answer) unless a case takes its id. */
    static final String HONEST_ID = "honest";

    /** Writes the hostile files into {@code root} (the plugin root) and {@code outside} (a directory no plugin owns). */
    interface Setup {
        void write(Path root, Path outside) throws Exception;
    }

    /**
     * @param failures for each hostile path (relative to the root), a fragment its load failure must hold
     *     ({@code {root}} and {@code {outside}} stand for the directories)
     * @param loaded the plugin ids that must load (usually {@link #HONEST_ID} alone)
     */
    record PluginCase(String name, Setup setup, Map<String, String> failures, List<String> loaded) {
        @Override
        public String toString() {
            return "plugin/archive/" + name;
        }
    }

    static List<PluginCase> all() {
        List<PluginCase> cases = new ArrayList<>();
        cases.add(new PluginCase(
                "huge-manifest-line-in-small-zip",
                (root, outside) -> zipWithManifestLine(root.resolve("huge.zip"), 400L * 1024 * 1024),
                Map.of("huge.zip", "plugin.properties is 4194304"), // 400 MiB + the first lines: 4194304xx bytes
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-size-understated-in-zip-headers",
                (root, outside) -> {
                    Path zip = zipWithManifestLine(root.resolve("liar.zip"), 64L * 1024 * 1024);
                    understate(zip, "plugin.properties");
                },
                Map.of("liar.zip", "plugin.properties is more than 65536 (inflated) bytes"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "zip-bomb-entry-script",
                (root, outside) -> {
                    Path zip = root.resolve("bomb.zip");
                    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
                        z.setLevel(Deflater.BEST_COMPRESSION);
                        entry(z, "plugin.properties", "plugin.id=bomb\nplugin.version=1.0.0\n");
                        z.putNextEntry(new ZipEntry("main.js"));
                        byte[] zeros = new byte[1 << 20];
                        for (int i = 0; i < 512; i++) z.write(zeros);
                    }
                    understate(zip, "main.js");
                },
                Map.of("bomb.zip", "main.js is more than 102400 (inflated) bytes, over the host's script size limit"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-linked-to-dev-zero",
                (root, outside) -> {
                    Path dir = directory(root, "zero", null);
                    Files.createSymbolicLink(dir.resolve("plugin.properties"), Path.of("/dev/zero"));
                },
                Map.of("zero", "plugin.properties is a symbolic link leading outside the plugin directory"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-linked-to-another-plugins-manifest",
                (root, outside) -> {
                    Path other = directory(outside, "other", "plugin.id=borrowed\nplugin.version=1.0.0\n");
                    Path dir = directory(root, "linker", null);
                    Files.createSymbolicLink(dir.resolve("plugin.properties"), other.resolve("plugin.properties"));
                },
                Map.of("linker", "plugin.properties is a symbolic link leading outside the plugin directory"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "script-linked-to-host-file",
                (root, outside) -> {
                    Path dir = directory(
                            root, "passwd", "plugin.id=passwd\nplugin.version=1.0.0\nplugin.script=main.js\n");
                    Files.delete(dir.resolve("main.js"));
                    Files.createSymbolicLink(dir.resolve("main.js"), SuiteSecrets.HOST_FILE);
                },
                Map.of("passwd", "main.js is a symbolic link leading outside the plugin directory"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "script-through-linked-directory",
                (root, outside) -> {
                    Path lib = Files.createDirectories(outside.resolve("lib"));
                    Files.writeString(lib.resolve("main.js"), OK);
                    Path dir =
                            directory(root, "via", "plugin.id=via\nplugin.version=1.0.0\nplugin.script=lib/main.js\n");
                    Files.delete(dir.resolve("main.js"));
                    Files.createSymbolicLink(dir.resolve("lib"), lib);
                },
                Map.of("via", "lib/main.js is a symbolic link leading outside the plugin directory"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-is-a-fifo",
                (root, outside) -> {
                    Path dir = directory(root, "fifo", null);
                    mkfifo(dir.resolve("plugin.properties"));
                },
                Map.of("fifo", "plugin.properties is a FIFO (named pipe), not a regular file"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "script-is-a-fifo",
                (root, outside) -> {
                    Path dir = directory(root, "fifoscript", "plugin.id=fifoscript\nplugin.version=1.0.0\n");
                    Files.delete(dir.resolve("main.js"));
                    mkfifo(dir.resolve("main.js"));
                },
                Map.of("fifoscript", "main.js is a FIFO (named pipe), not a regular file"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "zip-is-a-fifo",
                (root, outside) -> mkfifo(root.resolve("pipe.zip")),
                Map.of("pipe.zip", "is a FIFO (named pipe), not a plugin directory or zip file"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "zip-linked-to-dev-zero",
                (root, outside) -> Files.createSymbolicLink(root.resolve("zero.zip"), Path.of("/dev/zero")),
                Map.of("zero.zip", "is a character device, not a plugin directory or zip file"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-is-a-directory",
                (root, outside) -> {
                    Path dir = directory(root, "dirmanifest", null);
                    Files.createDirectories(dir.resolve("plugin.properties"));
                },
                Map.of("dirmanifest", "plugin.properties is a directory, not a regular file"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "zip-over-the-archive-limit",
                (root, outside) -> {
                    try (RandomAccessFile f =
                            new RandomAccessFile(root.resolve("vast.zip").toFile(), "rw")) {
                        f.setLength(32L * 1024 * 1024 + 1);
                    }
                },
                Map.of("vast.zip", "over the plugin archive limit of 33554432 bytes"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "manifest-twice-in-zip",
                (root, outside) -> {
                    Path zip = root.resolve("twice.zip");
                    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
                        entry(z, "plugin.properties", "plugin.id=first\nplugin.version=1.0.0\n");
                        entry(z, "plugin.propertieX", "plugin.id=second\nplugin.version=1.0.0\n");
                        entry(z, "main.js", OK);
                    }
                    String bytes = Files.readString(zip, StandardCharsets.ISO_8859_1);
                    Files.writeString(
                            zip, bytes.replace("plugin.propertieX", "plugin.properties"), StandardCharsets.ISO_8859_1);
                },
                Map.of("twice.zip", "the zip holds plugin.properties twice"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "script-path-traversal",
                (root, outside) -> directory(
                        root,
                        "traversal",
                        "plugin.id=traversal\nplugin.version=1.0.0\nplugin.script=../../../etc/passwd\n"),
                Map.of("traversal", "must be a path inside the plugin"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "dependency-cycle-and-innocents",
                (root, outside) -> {
                    directory(root, "a", "plugin.id=a\nplugin.version=1.0.0\nplugin.dependencies=b\n");
                    directory(root, "b", "plugin.id=b\nplugin.version=1.0.0\nplugin.dependencies=a\n");
                    directory(root, "self", "plugin.id=self\nplugin.version=1.0.0\nplugin.dependencies=self\n");
                    directory(root, "needs-a", "plugin.id=needs-a\nplugin.version=1.0.0\nplugin.dependencies=a\n");
                    directory(root, "lib", "plugin.id=lib\nplugin.version=1.0.0\n");
                    directory(root, "app", "plugin.id=app\nplugin.version=1.0.0\nplugin.dependencies=lib\n");
                },
                ordered(
                        "a",
                        "in a dependency cycle (a -> b -> a)",
                        "b",
                        "in a dependency cycle (a -> b -> a)",
                        "self",
                        "in a dependency cycle (self -> self)",
                        "needs-a",
                        "needs plugin 'a', which is in a dependency cycle"),
                List.of("app", HONEST_ID, "lib")));
        cases.add(new PluginCase(
                "id-spoofing-two-claimants",
                (root, outside) -> {
                    directory(root, "a-impostor", "plugin.id=titlecase\nplugin.version=9.9.9\n");
                    directory(root, "titlecase", "plugin.id=titlecase\nplugin.version=1.0.0\n");
                },
                ordered(
                        "a-impostor",
                        "plugin id 'titlecase' is declared by 2 plugins",
                        "titlecase",
                        "plugin id 'titlecase' is declared by 2 plugins"),
                List.of(HONEST_ID)));
        cases.add(new PluginCase(
                "id-spoofing-the-honest-plugin",
                (root, outside) -> directory(root, "a-spoof", "plugin.id=" + HONEST_ID + "\nplugin.version=2.0.0\n"),
                ordered(
                        "a-spoof", "plugin id '" + HONEST_ID + "' is declared by 2 plugins",
                        "zz-honest", "plugin id '" + HONEST_ID + "' is declared by 2 plugins"),
                List.of()));
        return cases;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return m;
    }

    /** The honest plugin, in every case's root. */
    static void writeHonest(Path root) throws IOException {
        directory(root, "zz-honest", "plugin.id=" + HONEST_ID + "\nplugin.version=1.0.0\n");
    }

    /** A plugin directory with {@code main.js}; its descriptor unless {@code descriptor} is null. */
    static Path directory(Path parent, String name, String descriptor) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        if (descriptor != null) Files.writeString(dir.resolve("plugin.properties"), descriptor);
        Files.writeString(dir.resolve("main.js"), OK);
        return dir;
    }

    private static void entry(ZipOutputStream z, String name, String content) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(content.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A zip whose descriptor has a {@code lineBytes}-byte line (about 1000:1 compressed). */
    static Path zipWithManifestLine(Path zip, long lineBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=huge\nplugin.version=1.0.0\nplugin.description=".getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'x');
            for (long left = lineBytes; left > 0; left -= chunk.length)
                z.write(chunk, 0, (int) Math.min(left, chunk.length));
            entry(z, "main.js", OK);
        }
        return zip;
    }

    /** Rewrites the uncompressed size of {@code name} in the zip's central directory to 10 bytes. */
    static void understate(Path zip, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        boolean patched = false;
        for (int i = 0; i + 46 + n.length <= bytes.length; i++) {
            if (bytes[i] == 'P'
                    && bytes[i + 1] == 'K'
                    && bytes[i + 2] == 1
                    && bytes[i + 3] == 2
                    && Arrays.equals(bytes, i + 46, i + 46 + n.length, n, 0, n.length)) {
                bytes[i + 24] = 10;
                bytes[i + 25] = 0;
                bytes[i + 26] = 0;
                bytes[i + 27] = 0;
                patched = true;
            }
        }
        if (!patched) throw new IllegalStateException("no central directory entry " + name + " in " + zip);
        Files.write(zip, bytes);
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString())
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("mkfifo " + path + " failed: "
                    + new String(p.getInputStream().readAllBytes()));
        }
        if (Files.isRegularFile(path) || !Files.exists(path)) throw new IllegalStateException(path + " is not a FIFO");
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
