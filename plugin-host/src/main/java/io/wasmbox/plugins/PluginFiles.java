package io.wasmbox.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pf4j.PluginRuntimeException;

/**
 * The files of one plugin (a directory or a zip), read-only and confined to the plugin: the only way the
 * host reads anything a plugin brings ({@code plugin.properties} and the entry script).
 *
 * <p>Every read is bounded while reading, whatever sizes the file system or the zip's headers claim, so
 * a 400 MB manifest line, a zip bomb or {@code /dev/zero} costs at most the cap plus one byte. Only
 * regular files are ever opened: a FIFO (which would block the host for ever), a device or a socket is
 * refused by its type before it is opened, and in a directory a symbolic link is followed only when it
 * ends inside the plugin. Zip entries are read in place (never unpacked), so links inside a zip are
 * never followed at all.
 */
abstract sealed class PluginFiles implements AutoCloseable {
    /** The most a {@code plugin.properties} may hold (PF4J's descriptor is a handful of short lines). */
    static final long MAX_DESCRIPTOR_BYTES = 64 * 1024;
    /**
     * The largest plugin zip the host opens: it is hashed whole (see {@link #sha256()}) and its central
     * directory is read into memory, so its size bounds what opening it costs.
     */
    static final long MAX_ARCHIVE_BYTES = 32L * 1024 * 1024;

    final Path pluginPath;

    private PluginFiles(Path pluginPath) {
        this.pluginPath = pluginPath;
    }

    /**
     * Opens a plugin directory or zip. A path that is neither a directory nor a regular file (a FIFO, a
     * device, a socket, or a link to one) is refused without being opened.
     */
    static PluginFiles open(Path pluginPath) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(pluginPath, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new PluginRuntimeException("{}: does not exist", pluginPath);
        }
        if (a.isDirectory()) return new Directory(pluginPath);
        if (!a.isRegularFile()) {
            throw new PluginRuntimeException(
                    "{}: is {}, not a plugin directory or zip file", pluginPath, kind(pluginPath));
        }
        if (a.size() > MAX_ARCHIVE_BYTES) {
            throw new PluginRuntimeException(
                    "{}: the zip is {} bytes, over the plugin archive limit of {} bytes",
                    pluginPath,
                    a.size(),
                    MAX_ARCHIVE_BYTES);
        }
        try {
            return new Zip(pluginPath, new ZipFile(pluginPath.toFile()));
        } catch (ZipException e) {
            throw new PluginRuntimeException("{}: not a readable zip archive ({})", pluginPath, e.getMessage());
        }
    }

    /** True when the plugin has an entry of that name (of any kind: reading it says what is wrong with it). */
    abstract boolean exists(String name) throws IOException;

    /**
     * The bytes of a regular file of the plugin, refused when it holds more than {@code maxBytes}.
     *
     * @param what what the limit is, for the message ("the host's script size limit")
     */
    abstract byte[] read(String name, long maxBytes, String what) throws IOException;

    /** The SHA-256 of the zip file as it is on disk (what {@code sha256sum} prints); null for a directory. */
    abstract String sha256() throws IOException;

    @Override
    public abstract void close() throws IOException;

    PluginRuntimeException tooLarge(String name, String size, long max, String what) {
        return new PluginRuntimeException("{}: {} is {} bytes, over {} of {} bytes", pluginPath, name, size, what, max);
    }

    /** Reads at most {@code max + 1} bytes: the caller refuses {@code max + 1}. */
    static byte[] readAtMost(InputStream in, long max) throws IOException {
        return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
    }

    /** What a non-regular file is, in words, from its Unix type bits when the file system has them. */
    static String kind(Path path, LinkOption... options) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", options);
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                case 0040000 -> "a directory";
                case 0120000 -> "a symbolic link";
                default -> "not a regular file";
            };
        } catch (IOException | RuntimeException e) {
            return Files.isDirectory(path, options) ? "a directory" : "not a regular file";
        }
    }

    private static final class Directory extends PluginFiles {
        private final Path realRoot;

        Directory(Path root) throws IOException {
            super(root);
            this.realRoot = root.toRealPath();
        }

        @Override
        boolean exists(String name) {
            return Files.exists(pluginPath.resolve(name), LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        byte[] read(String name, long maxBytes, String what) throws IOException {
            Path file = pluginPath.resolve(name);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(file.toString());
            Path real;
            try {
                real = file.toRealPath();
            } catch (NoSuchFileException e) {
                throw new PluginRuntimeException("{}: {} is a symbolic link to nothing", pluginPath, name);
            }
            // a symbolic link (of the file or of a directory on its way) must not lead out of the plugin
            if (!real.startsWith(realRoot)) {
                throw new PluginRuntimeException(
                        "{}: {} is a symbolic link leading outside the plugin directory", pluginPath, name);
            }
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // checked before opening: opening a FIFO for reading blocks until someone writes to it
            if (!a.isRegularFile()) {
                throw new PluginRuntimeException(
                        "{}: {} is {}, not a regular file", pluginPath, name, kind(real, LinkOption.NOFOLLOW_LINKS));
            }
            if (a.size() > maxBytes) throw tooLarge(name, Long.toString(a.size()), maxBytes, what);
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = readAtMost(in, maxBytes); // the file may grow after its size was read
                if (bytes.length > maxBytes) throw tooLarge(name, "more than " + maxBytes, maxBytes, what);
                return bytes;
            }
        }

        @Override
        String sha256() {
            return null;
        }

        @Override
        public void close() {}
    }

    private static final class Zip extends PluginFiles {
        private final ZipFile zip;

        Zip(Path path, ZipFile zip) {
            super(path);
            this.zip = zip;
        }

        @Override
        boolean exists(String name) {
            return zip.getEntry(name) != null;
        }

        @Override
        byte[] read(String name, long maxBytes, String what) throws IOException {
            ZipEntry e = zip.getEntry(name);
            if (e == null) throw new NoSuchFileException(pluginPath + "!/" + name);
            if (e.isDirectory())
                throw new PluginRuntimeException("{}: {} is a directory in the zip, not a file", pluginPath, name);
            // two entries of one name: zip readers disagree about which one counts, so neither does
            if (zip.stream().filter(x -> x.getName().equals(name)).limit(2).count() > 1) {
                throw new PluginRuntimeException("{}: the zip holds {} twice", pluginPath, name);
            }
            if (e.getSize() > maxBytes) throw tooLarge(name, Long.toString(e.getSize()), maxBytes, what);
            // the sizes in the zip's headers may lie: inflate at most one byte past the cap, whatever they say
            try (InputStream in = zip.getInputStream(e)) {
                byte[] bytes = readAtMost(in, maxBytes);
                if (bytes.length > maxBytes)
                    throw tooLarge(name, "more than " + maxBytes + " (inflated)", maxBytes, what);
                return bytes;
            } catch (ZipException x) {
                throw new PluginRuntimeException(
                        "{}: {} cannot be read from the zip ({})", pluginPath, name, x.getMessage());
            }
        }

        @Override
        String sha256() throws IOException {
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = Files.newInputStream(pluginPath)) {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    total += n;
                    if (total > MAX_ARCHIVE_BYTES) {
                        throw new PluginRuntimeException(
                                "{}: the zip grew past the plugin archive limit of {} bytes",
                                pluginPath,
                                MAX_ARCHIVE_BYTES);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest()).toLowerCase(Locale.ROOT);
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }
}
