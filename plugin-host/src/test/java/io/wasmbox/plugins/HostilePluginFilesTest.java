package io.wasmbox.plugins;

import static io.wasmbox.plugins.TestPlugins.js;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginState;

/**
 * Plugin directories and zips written by an attacker: every file the host reads is a bounded read of a
 * regular file inside the plugin, and each broken plugin is listed with its reason while the others load.
 */
class HostilePluginFilesTest {
    private static final String OK = "function transform(t) { return t + '!' }";
    /** Generous: each case takes milliseconds when fixed; before, some blocked for ever or ran out of heap. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @TempDir
    Path outside;

    private PluginHost host;

    @AfterEach
    void close() throws InterruptedException {
        if (host == null) return;
        // on a thread of its own: a loadPlugins still blocked inside the host lock must fail the test, not hang it
        Thread closer = Thread.ofPlatform().daemon().start(host::close);
        assertThat(closer.join(Duration.ofSeconds(30)))
                .as("host.close() returned (the host lock is free)")
                .isTrue();
    }

    /** Loads the root (next to a good plugin) within {@link #BOUND}; returns the host. */
    private PluginHost load() {
        js("good", OK).writeDirectory(root, "zz-good");
        host = PluginHost.builder().pluginsRoot(root).build();
        assertTimeoutPreemptively(BOUND, () -> host.loadPlugins());
        host.startPlugins();
        assertThat(host.status("good").orElseThrow().state()).isEqualTo(PluginState.STARTED);
        return host;
    }

    private LoadFailure onlyFailure() {
        assertThat(host.loadFailures()).hasSize(1);
        return host.loadFailures().getFirst();
    }

    static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as(new String(p.getInputStream().readAllBytes()))
                .isZero();
        assertThat(PluginFiles.kind(path)).isEqualTo("a FIFO (named pipe)");
    }

    /** A zip whose plugin.properties holds one line of {@code lineBytes} bytes (compressed ~1000:1). */
    static Path zipWithHugeManifestLine(Path zip, long lineBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=huge\nplugin.version=1.0.0\nplugin.description=".getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'x');
            for (long left = lineBytes; left > 0; left -= chunk.length)
                z.write(chunk, 0, (int) Math.min(left, chunk.length));
            z.putNextEntry(new ZipEntry("main.js"));
            z.write(OK.getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    @Test
    void aFourHundredMegabyteManifestLineInASmallZipIsRefusedAfterReadingAtMostTheCap() throws Exception {
        Path zip = zipWithHugeManifestLine(root.resolve("huge.zip"), 400L * 1024 * 1024);
        assertThat(Files.size(zip)).isLessThan(2L * 1024 * 1024);
        load();
        assertThat(onlyFailure()).satisfies(f -> {
            assertThat(f.path()).isEqualTo(zip);
            assertThat(f.reason())
                    .contains(zip + ": plugin.properties is")
                    .contains("over the descriptor size limit of 65536 bytes");
        });
        assertThat(host.status("huge")).isEmpty();
    }

    @Test
    void aZipWhoseHeadersUnderstateTheManifestIsCutWhileInflating() throws Exception {
        Path zip = zipWithHugeManifestLine(root.resolve("liar.zip"), 8L * 1024 * 1024);
        lieAboutSizes(zip, "plugin.properties", 100);
        load();
        assertThat(onlyFailure().reason())
                .contains(zip + ": plugin.properties is more than 65536 (inflated) bytes, over"
                        + " the descriptor size limit");
    }

    /** Rewrites the uncompressed size of an entry in the zip's central directory. */
    private static void lieAboutSizes(Path zip, String name, int size) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        boolean patched = false;
        for (int i = 0; i + 46 + n.length <= bytes.length; i++) {
            if (bytes[i] == 'P'
                    && bytes[i + 1] == 'K'
                    && bytes[i + 2] == 1
                    && bytes[i + 3] == 2
                    && Arrays.equals(bytes, i + 46, i + 46 + n.length, n, 0, n.length)) {
                for (int k = 0; k < 4; k++) bytes[i + 24 + k] = (byte) (size >>> (8 * k));
                patched = true;
            }
        }
        assertThat(patched).isTrue();
        Files.write(zip, bytes);
    }

    @Test
    void aZipBombEntryScriptIsCutAtTheCodeLimit() throws Exception {
        Path zip = root.resolve("bomb.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=bomb\nplugin.version=1.0.0\n".getBytes(StandardCharsets.ISO_8859_1));
            z.putNextEntry(new ZipEntry("main.js"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) z.write(zeros); // 256 MiB of zeros, ~256 KB compressed
        }
        lieAboutSizes(zip, "main.js", 10);
        load();
        assertThat(onlyFailure().reason())
                .contains("main.js is more than 102400 (inflated) bytes, over the host's script"
                        + " size limit of 102400 bytes");
    }

    @Test
    void aManifestLinkedToDevZeroIsNotRead() throws Exception {
        Path dir = js("zero", OK).writeDirectory(root, "zero");
        Files.delete(dir.resolve("plugin.properties"));
        Files.createSymbolicLink(dir.resolve("plugin.properties"), Path.of("/dev/zero"));
        load();
        assertThat(onlyFailure().reason())
                .isEqualTo(dir + ": plugin.properties is a symbolic link leading outside" + " the plugin directory");
    }

    @Test
    void aManifestLinkedOutsideThePluginIsNotRead() throws Exception {
        // a valid descriptor, but someone else's: reading it would let a plugin borrow another's identity
        Path elsewhere = js("borrowed", OK).writeDirectory(outside, "other");
        Path dir = js("ignored", OK).writeDirectory(root, "linker");
        Files.delete(dir.resolve("plugin.properties"));
        Files.createSymbolicLink(dir.resolve("plugin.properties"), elsewhere.resolve("plugin.properties"));
        load();
        assertThat(onlyFailure().reason())
                .isEqualTo(dir + ": plugin.properties is a symbolic link leading outside" + " the plugin directory");
        assertThat(host.status("borrowed")).isEmpty();
    }

    @Test
    void aLinkThroughALinkedDirectoryIsCaughtToo() throws Exception {
        Path secrets = Files.createDirectories(outside.resolve("secrets"));
        Files.writeString(secrets.resolve("main.js"), OK);
        Path dir = js("via", OK).property("plugin.script", "lib/main.js").writeDirectory(root, "via");
        Files.delete(dir.resolve("main.js"));
        Files.createSymbolicLink(dir.resolve("lib"), secrets);
        load();
        assertThat(onlyFailure().reason())
                .isEqualTo(dir + ": lib/main.js is a symbolic link leading outside the plugin" + " directory");
    }

    @Test
    void linksThatStayInsideThePluginStillWork() throws Exception {
        Path dir = js("inner", OK).property("plugin.script", "main.js").writeDirectory(root, "inner");
        Files.createDirectories(dir.resolve("src"));
        Files.move(dir.resolve("main.js"), dir.resolve("src/app.js"));
        Files.createSymbolicLink(dir.resolve("main.js"), Path.of("src/app.js"));
        load();
        assertThat(host.loadFailures()).isEmpty();
        assertThat(host.status("inner").orElseThrow().state()).isEqualTo(PluginState.STARTED);
    }

    @Test
    void aFifoManifestNeitherBlocksLoadingNorHoldsTheHostLock() throws Exception {
        Path dir = js("fifo", OK).writeDirectory(root, "fifo");
        Files.delete(dir.resolve("plugin.properties"));
        mkfifo(dir.resolve("plugin.properties"));
        load(); // within BOUND: opening the FIFO would have blocked for ever
        assertThat(onlyFailure().reason())
                .isEqualTo(dir + ": plugin.properties is a FIFO (named pipe), not a regular file");
        assertTimeoutPreemptively(
                Duration.ofSeconds(10), () -> assertThat(host.statuses()).hasSize(1));
    }

    @Test
    void aFifoOrDeviceAsEntryScriptOrAsTheZipItselfIsRefusedByItsType() throws Exception {
        Path dir = js("fifoscript", OK).writeDirectory(root, "a-fifoscript");
        Files.delete(dir.resolve("main.js"));
        mkfifo(dir.resolve("main.js"));
        Path fifoZip = root.resolve("b-fifo.zip");
        mkfifo(fifoZip);
        Path zeroZip = root.resolve("c-zero.zip");
        Files.createSymbolicLink(zeroZip, Path.of("/dev/zero"));
        load();
        assertThat(host.loadFailures())
                .extracting(LoadFailure::reason)
                .containsExactly(
                        dir + ": main.js is a FIFO (named pipe), not a regular file",
                        fifoZip + ": is a FIFO (named pipe), not a plugin directory or zip file",
                        zeroZip + ": is a character device, not a plugin directory or zip file");
    }

    @Test
    void anEntryScriptLinkedToAFifoInsideThePluginIsRefused() throws Exception {
        Path dir = js("innerfifo", OK).writeDirectory(root, "innerfifo");
        Files.delete(dir.resolve("main.js"));
        mkfifo(dir.resolve("pipe"));
        Files.createSymbolicLink(dir.resolve("main.js"), Path.of("pipe"));
        load();
        assertThat(onlyFailure().reason()).isEqualTo(dir + ": main.js is a FIFO (named pipe), not a regular file");
    }

    @Test
    void aZipHoldingTheManifestTwiceIsRefused() throws Exception {
        Path zip = root.resolve("twice.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=first\nplugin.version=1.0.0\n".getBytes(StandardCharsets.ISO_8859_1));
            z.putNextEntry(new ZipEntry("plugin.propertieX"));
            z.write("plugin.id=second\nplugin.version=1.0.0\n".getBytes(StandardCharsets.ISO_8859_1));
            z.putNextEntry(new ZipEntry("main.js"));
            z.write(OK.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = Files.readAllBytes(zip);
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace("plugin.propertieX", "plugin.properties");
        Files.write(zip, s.getBytes(StandardCharsets.ISO_8859_1));
        load();
        assertThat(onlyFailure().reason()).isEqualTo(zip + ": the zip holds plugin.properties twice");
    }

    @Test
    void aZipOverTheArchiveLimitIsNotOpened() throws Exception {
        Path zip = root.resolve("vast.zip");
        try (RandomAccessFile f = new RandomAccessFile(zip.toFile(), "rw")) {
            f.setLength(PluginFiles.MAX_ARCHIVE_BYTES + 1);
        }
        load();
        assertThat(onlyFailure().reason())
                .isEqualTo(zip + ": the zip is " + (PluginFiles.MAX_ARCHIVE_BYTES + 1)
                        + " bytes, over the plugin archive limit of " + PluginFiles.MAX_ARCHIVE_BYTES + " bytes");
    }

    @Test
    void aFileThatIsNotAZipIsReportedAsSuch() throws Exception {
        Path zip = root.resolve("text.zip");
        Files.writeString(zip, "not a zip");
        load();
        assertThat(onlyFailure().reason()).startsWith(zip + ": not a readable zip archive");
    }

    @Test
    void loadingOnePathDirectlyAppliesTheSameChecks() throws Exception {
        Path dir = js("direct", OK).writeDirectory(root, "direct");
        Files.delete(dir.resolve("plugin.properties"));
        mkfifo(dir.resolve("plugin.properties"));
        PluginHost h = PluginHost.builder().build();
        host = h; // closed by close(), which fails rather than hangs when the host lock is still held
        assertTimeoutPreemptively(
                BOUND,
                () -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.loadPlugin(dir))
                        .hasMessage(dir + ": plugin.properties is a FIFO (named pipe), not a regular file"));
        assertThat(h.loadFailures()).extracting(LoadFailure::path).isEqualTo(List.of(dir));
    }
}
