package io.wasmbox.js;

import io.roastedroot.quickjs4j.core.JavyPluginModule;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.HostCalls;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * typescript.js compiled to QuickJS bytecode: at build time by {@link #main} (exec-maven-plugin, phase
 * process-classes, into target/classes, so the engine-js jar ships it as {@value #RESOURCE_PREFIX}{@code
 * <version>.qjsbc}), and at run time by {@link TypeScriptTranspiler} only when that resource is absent or
 * stale (e.g. classes built by an IDE without the build step).
 *
 * <p>The resource: a text header, then the bytecode.
 *
 * <pre>
 * wasmbox typescript bytecode 1
 * typescript=6.0.3          the compiler's version (TypeScriptTranspiler.VERSION)
 * quickjs4j=0.0.17          the QuickJS build that compiled it...
 * quickjs=&lt;sha-256&gt;         ...and the hash of its module (JavyPluginModule.meta), which decides
 * source=crc32:&lt;crc&gt;/&lt;size&gt;+&lt;crc&gt;  typescript.js and its wrapping ({@link #source}): {@link Identity#current}
 * bytecode=&lt;length&gt;
 * (empty line)
 * &lt;bytecode&gt;
 * </pre>
 *
 * It is used only when all of these match what the running code would compile.
 */
final class TypeScriptBytecode {
    static final String RESOURCE_PREFIX = "typescript-";
    /** The resource, next to this class. */
    static final String RESOURCE = RESOURCE_PREFIX + TypeScriptTranspiler.VERSION + ".qjsbc";
    private static final String MAGIC = "wasmbox typescript bytecode 1";
    private static final int MAX_HEADER = 4096;
    private static final String COMPILER = "/META-INF/resources/webjars/typescript/" + TypeScriptTranspiler.VERSION
            + "/lib/typescript.js";
    private static final String QUICKJS4J_POM = "/META-INF/maven/io.roastedroot/quickjs4j/pom.properties";
    private static final String UNKNOWN = "unknown";
    /** typescript.js declares {@code var ts} (a script); compiled as a module it publishes it explicitly. */
    private static final byte[] WRAPPING = "\n;globalThis.ts = ts;\n".getBytes(StandardCharsets.UTF_8);

    private TypeScriptBytecode() {}

    /** What the bytecode is compiled from and with: the header of the resource. */
    record Identity(String typescript, String quickjs4j, String quickjs, String source) {
        /**
         * The identity of the bytecode the running code would compile. The source part is the CRC-32 and size
         * of typescript.js plus the CRC-32 of the wrapping ({@link #source()}): for staleness, not
         * against tampering (the resource and the source come from the same trusted class path). From a jar,
         * the entry's recorded CRC and size are used, so checking reads none of the 9 MB.
         */
        static Identity current() {
            return new Identity(TypeScriptTranspiler.VERSION, quickjs4jVersion(), quickjsHash(), sourceChecksum());
        }

        /** Why bytecode built as {@code built} is not what this identity compiles; null when it is. */
        String mismatch(Identity built) {
            if (!typescript.equals(built.typescript)) {
                return "it is TypeScript " + built.typescript + ", not " + typescript;
            }
            if (!quickjs.equals(built.quickjs) || !quickjs4j.equals(built.quickjs4j)
                    && !UNKNOWN.equals(quickjs4j) && !UNKNOWN.equals(built.quickjs4j)) {
                return "it was compiled by another QuickJS (quickjs4j " + built.quickjs4j + ", module "
                        + abbreviate(built.quickjs) + "; this is quickjs4j " + quickjs4j + ", module "
                        + abbreviate(quickjs) + ")";
            }
            if (!source.equals(built.source)) {
                return "it was compiled from another typescript.js or wrapping (source " + built.source
                        + ", expected " + source + ")";
            }
            return null;
        }

        private Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("typescript", typescript);
            fields.put("quickjs4j", quickjs4j);
            fields.put("quickjs", quickjs);
            fields.put("source", source);
            return fields;
        }
    }

    /** The resource read: its bytecode, or why it cannot be used (absent: there is none). */
    record Shipped(byte[] bytecode, String rejection, boolean absent) {
        static Shipped rejected(String why) {
            return new Shipped(null, why, false);
        }
    }

    /** The shipped resource when it is there and matches {@code expected}. */
    static Shipped shipped(Identity expected) {
        try (InputStream in = TypeScriptBytecode.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new Shipped(null, "there is no " + RESOURCE + " on the class path (the build generates it,"
                        + " an IDE build may not)", true);
            }
            return read(in, expected);
        } catch (IOException e) {
            return Shipped.rejected(RESOURCE + " could not be read: " + e);
        }
    }

    /** Reads a resource and checks it against {@code expected}; the bytecode is read into one exact array. */
    static Shipped read(InputStream resource, Identity expected) throws IOException {
        InputStream in = new BufferedInputStream(resource, 1 << 16);
        Properties header = new Properties();
        String magic = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int read = 0;
        while (true) {
            int b = in.read();
            if (b < 0 || ++read > MAX_HEADER) return Shipped.rejected(RESOURCE + " has no valid header");
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (magic == null) {
                magic = text;
                if (!MAGIC.equals(magic)) return Shipped.rejected(RESOURCE + " is not " + MAGIC + " (" + magic + ")");
            } else if (text.isEmpty()) {
                break;
            } else {
                int eq = text.indexOf('=');
                if (eq < 0) return Shipped.rejected(RESOURCE + " has a bad header line: " + text);
                header.setProperty(text.substring(0, eq), text.substring(eq + 1));
            }
        }
        Identity built = new Identity(header.getProperty("typescript", UNKNOWN), header.getProperty("quickjs4j", UNKNOWN),
                header.getProperty("quickjs", UNKNOWN), header.getProperty("source", UNKNOWN));
        String mismatch = expected.mismatch(built);
        if (mismatch != null) return Shipped.rejected(RESOURCE + " is stale: " + mismatch);
        int length;
        try {
            length = Integer.parseInt(header.getProperty("bytecode", "-1"));
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length <= 0) return Shipped.rejected(RESOURCE + " has no bytecode length");
        byte[] bytecode = in.readNBytes(length);
        if (bytecode.length != length || in.read() >= 0) {
            return Shipped.rejected(RESOURCE + " is truncated or too long (bytecode " + bytecode.length + " bytes, header "
                    + length + ")");
        }
        return new Shipped(bytecode, null, false);
    }

    /** Writes the resource (atomically: a build interrupted halfway leaves no half file). */
    static void write(Path file, Identity identity, byte[] bytecode) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write(header(identity, bytecode.length));
            out.write(bytecode);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] header(Identity identity, int bytecodeLength) {
        StringBuilder header = new StringBuilder(MAGIC).append('\n');
        identity.fields().forEach((k, v) -> header.append(k).append('=').append(v).append('\n'));
        header.append("bytecode=").append(bytecodeLength).append("\n\n");
        return header.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** typescript.js as QuickJS compiles it: compileSrc compiles a module, so it is wrapped ({@link #WRAPPING}). */
    static byte[] source() {
        try (InputStream in = TypeScriptBytecode.class.getResourceAsStream(COMPILER)) {
            if (in == null) throw missingCompiler();
            ByteArrayOutputStream out = new ByteArrayOutputStream(10 << 20);
            in.transferTo(out);
            out.write(WRAPPING);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IllegalStateException missingCompiler() {
        return new IllegalStateException("the TypeScript compiler is missing from the class path (" + COMPILER
                + ", in org.webjars.npm:typescript:" + TypeScriptTranspiler.VERSION + ")");
    }

    /** {@code crc32:<typescript.js>/<its size>+<wrapping>}, from the jar entry when there is one. */
    static String sourceChecksum() {
        URL url = TypeScriptBytecode.class.getResource(COMPILER);
        if (url == null) throw missingCompiler();
        long crc = -1;
        long size = -1;
        try {
            if (url.openConnection() instanceof JarURLConnection jar) {
                JarEntry entry = jar.getJarEntry();
                crc = entry.getCrc();
                size = entry.getSize();
            }
            if (crc < 0 || size < 0) {
                CRC32 checksum = new CRC32();
                try (InputStream in = url.openStream()) {
                    byte[] buffer = new byte[1 << 16];
                    size = 0;
                    for (int n; (n = in.read(buffer)) > 0; size += n) checksum.update(buffer, 0, n);
                }
                crc = checksum.getValue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CRC32 wrapping = new CRC32();
        wrapping.update(WRAPPING);
        return String.format("crc32:%08x/%d+%08x", crc, size, wrapping.getValue());
    }

    /**
     * Compiles {@code source} to bytecode in a throwaway instance of the JavaScript module (compiling 9 MB
     * leaves far more memory behind than running it). Deep recursion: call on a thread with a big stack
     * ({@link TypeScriptTranspiler#LOAD_STACK_BYTES}).
     */
    static byte[] compile(JsGuestFactory js, byte[] source) {
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        GuestContext context = new GuestContext(4L << 30, diagnostics, diagnostics, InputStream.nullInputStream(), null, 0,
                HostCalls.NONE);
        try (JsGuest compiler = JsGuest.template(js, context)) {
            compiler.initializeRuntime();
            return compiler.compile(source);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the TypeScript compiler did not compile in QuickJS: "
                    + diagnostics.toString(StandardCharsets.UTF_8), e);
        }
    }

    /**
     * The build step: writes {@code <classes dir>/io/wasmbox/js/typescript-<version>.qjsbc}, unless the one
     * there is up to date. Arguments: the classes directory, and the POM's typescript.version (checked
     * against {@link TypeScriptTranspiler#VERSION}).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: TypeScriptBytecode <classes directory> [<typescript version of the POM>]");
            System.exit(2);
        }
        if (args.length == 2 && !args[1].equals(TypeScriptTranspiler.VERSION)) {
            System.err.println("[wasmbox] typescript.version in the POM is " + args[1]
                    + " but TypeScriptTranspiler.VERSION is " + TypeScriptTranspiler.VERSION + ": make them match");
            System.exit(1);
        }
        Path file = Path.of(args[0], TypeScriptBytecode.class.getPackageName().replace('.', '/'), RESOURCE);
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                generate(file);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "wasmbox-typescript-bytecode", TypeScriptTranspiler.LOAD_STACK_BYTES);
        worker.start();
        worker.join();
        if (failure[0] != null) {
            System.err.println("[wasmbox] could not compile typescript.js to QuickJS bytecode");
            failure[0].printStackTrace();
            System.exit(1);
        }
    }

    private static void generate(Path file) throws IOException {
        long start = System.nanoTime();
        Identity identity = Identity.current();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                if (read(in, identity).bytecode() != null) {
                    System.out.println("[wasmbox] TypeScript " + identity.typescript() + " bytecode up to date: " + file);
                    return;
                }
            }
        }
        byte[] bytecode = compile(JsGuestFactory.shared(), source());
        write(file, identity, bytecode);
        System.out.printf("[wasmbox] TypeScript %s: typescript.js compiled to %,d bytes of QuickJS bytecode in %.1f s -> %s%n",
                identity.typescript(), bytecode.length, (System.nanoTime() - start) / 1e9, file);
    }

    private static String quickjs4jVersion() {
        try (InputStream in = JavyPluginModule.class.getResourceAsStream(QUICKJS4J_POM)) {
            if (in == null) return UNKNOWN;
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The QuickJS module's identity: the hash of the module description JavyPluginModule loads. */
    private static String quickjsHash() {
        try (InputStream in = JavyPluginModule.class.getResourceAsStream("JavyPluginModule.meta")) {
            return in == null ? UNKNOWN : sha256(in.readAllBytes());
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
