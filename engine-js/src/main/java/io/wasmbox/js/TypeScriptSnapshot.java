package io.wasmbox.js;

import io.wasmbox.spi.InstanceSnapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The TypeScript transpiler's template: a QuickJS instance with the JavaScript driver, the TypeScript
 * compiler (typescript.js, 9 MB) evaluated and the transpile driver installed, as a snapshot.
 *
 * <p>Evaluating typescript.js takes tens of seconds in a cold JVM, so the build does it once
 * ({@link #main}, run by exec-maven-plugin in process-classes) and writes the snapshot into target/classes
 * as {@value #RESOURCE_PREFIX}{@code <version>.snapshot}, deflated; the jar ships it, and the first
 * TypeScript use in a JVM reads it instead. Its header names what it was made from (the TypeScript version
 * and the SHA-256 of the QuickJS module, both drivers and the compiler); a snapshot that does not match
 * (or is missing, as with classes built by an IDE) is not used: the compiler is evaluated here, as is logged.
 */
final class TypeScriptSnapshot {
    private static final System.Logger LOG = System.getLogger(TypeScriptSnapshot.class.getName());
    static final String RESOURCE_PREFIX = "typescript-";
    static final String RESOURCE = RESOURCE_PREFIX + TypeScriptTranspiler.VERSION + ".snapshot";
    /** Names the format and the recipe of {@link #build}: change it when either changes. */
    private static final String MAGIC = "wasmbox typescript snapshot 4 (warmed by one transpile, free memory zeroed)";

    private static final String COMPILER =
            "/META-INF/resources/webjars/typescript/" + TypeScriptTranspiler.VERSION + "/lib/typescript.js";

    private TypeScriptSnapshot() {}

    /** The transpiler factory: from the shipped snapshot when it matches, else built here (slow, logged). */
    static JsGuestFactory load() {
        String identity = identity();
        try (InputStream raw = TypeScriptSnapshot.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                LOG.log(
                        Level.INFO,
                        "{0} is not on the class path (classes built without the Maven build?):"
                                + " evaluating the TypeScript compiler here, which takes tens of seconds",
                        RESOURCE);
                return build();
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(new InflaterInputStream(raw), 1 << 16));
            String header = in.readUTF();
            if (!header.equals(MAGIC + "\n" + identity)) {
                LOG.log(
                        Level.WARNING,
                        "{0} was made from other sources ({1}); evaluating the TypeScript compiler"
                                + " here, which takes tens of seconds",
                        RESOURCE,
                        header.replace('\n', ' '));
                return build();
            }
            JsGuest.Layout layout = new JsGuest.Layout(
                    in.readInt(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt(),
                    in.readInt());
            // the module is asked for after the memory is read: a JavaScript sandbox being set up at the same
            // time (TypeScriptGuestFactory) parses it meanwhile
            return new JsGuestFactory(InstanceSnapshot.read(in, () -> QuickJsModule.get().module), layout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Fills the allocator's free chunks with zeroed ArrayBuffers, largest first, until none fits, then frees
     * them: what evaluating 9 MB of source left behind becomes zeros, which a snapshot does not store.
     */
    private static final String ZERO_FREE_MEMORY = "(() => { const held = [];"
            + " for (let size = 1 << 24; size >= 16; size >>= 1) {"
            + " for (;;) { try { held.push(new ArrayBuffer(size)); } catch (e) { break; } } }"
            + " held.length = 0; })()";

    /** Evaluates the compiler and the transpile driver in a template and snapshots it. */
    static JsGuestFactory build() {
        return withFreeMemoryZeroed(evaluated());
    }

    private static JsGuestFactory evaluated() {
        String compiler = new String(compilerSource(), StandardCharsets.UTF_8) + "\n;globalThis.ts = ts;\n";
        String driver = QuickJsModule.resource("typescript-driver.js");
        return new JsGuestFactory((template, context) -> {
            template.qts().freeValue(context, template.evaluate(context, compiler, "wasmbox:typescript.js"));
            template.qts().freeValue(context, template.evaluate(context, driver, "wasmbox:typescript-driver.js"));
            // one transpile before the snapshot: the compiler's lazily built state is then in it, not redone
            // by the first transpile of every JVM
            template.qts()
                    .freeValue(
                            context,
                            template.evaluate(
                                    context,
                                    "__wasmbox_tsx('enum E { A } class C<T> {"
                                            + " constructor(private x: T) {} } const c: C<E> = new C(E.A); c')",
                                    "wasmbox:setup"));
        });
    }

    /**
     * The factory's snapshot again, taken after {@link #ZERO_FREE_MEMORY} ran in an instance whose heap
     * cannot grow (capped at the snapshot's size, QuickJS's own limit lifted: every restore sets it again): only free
     * memory is filled.
     * For TypeScript 6.0.3 it halves what the snapshot stores (56 MiB of non-zero memory to ~36), and so
     * the time a JVM takes to read it.
     */
    private static JsGuestFactory withFreeMemoryZeroed(JsGuestFactory factory) {
        JsGuest filler = JsGuest.quiet(factory, factory.snapshot.memoryBytes());
        try {
            filler.qts().setMemoryLimit(factory.layout.runtime(), -1);
            int context = factory.layout.context();
            filler.qts().freeValue(context, filler.evaluate(context, ZERO_FREE_MEMORY, "wasmbox:zero-free-memory"));
            return new JsGuestFactory(
                    InstanceSnapshot.capture(factory.module.module, filler.instance()), factory.layout);
        } finally {
            filler.close();
        }
    }

    /** Build step: writes the snapshot into {@code args[0]}/io/wasmbox/js/. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0], "io", "wasmbox", "js", RESOURCE);
        if (Files.exists(out)) {
            try (DataInputStream in = new DataInputStream(new InflaterInputStream(Files.newInputStream(out)))) {
                if (in.readUTF().equals(MAGIC + "\n" + identity())) {
                    System.out.println("TypeScript snapshot up to date: " + out);
                    return;
                }
            } catch (IOException e) {
                // rebuild it
            }
        }
        long start = System.nanoTime();
        JsGuestFactory[] built = new JsGuestFactory[1];
        Thread t = new Thread(
                null, () -> built[0] = build(), "typescript-snapshot", TypeScriptTranspiler.LOAD_STACK_BYTES);
        t.start();
        t.join();
        if (built[0] == null) throw new IllegalStateException("the TypeScript snapshot could not be built");
        Files.createDirectories(out.getParent());
        try (OutputStream file = Files.newOutputStream(out);
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(
                        new DeflaterOutputStream(file, new Deflater(Deflater.BEST_SPEED), 1 << 16), 1 << 16))) {
            data.writeUTF(MAGIC + "\n" + identity());
            JsGuest.Layout l = built[0].layout;
            for (int v : new int[] {
                l.runtime(), l.context(), l.run(), l.tick(), l.finish(), l.argv(), l.scratch(), l.undefined()
            }) {
                data.writeInt(v);
            }
            built[0].snapshot.write(data);
        }
        System.out.printf(
                "TypeScript snapshot: %s, %d MiB of linear memory, %d KiB deflated, %d ms%n",
                out,
                built[0].snapshot.memoryBytes() >> 20,
                Files.size(out) >> 10,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * What the snapshot depends on: digests of the QuickJS module and both drivers, and the compiler's
     * version and size (a released WebJar never changes; hashing its 9 MB took a tenth of the first use).
     */
    static String identity() {
        return "typescript " + TypeScriptTranspiler.VERSION
                + "\nquickjs " + sha256(QuickJsModule.resourceBytes("QuickJsWasmModule.meta"))
                + "\ndriver " + sha256(QuickJsModule.resourceBytes("driver.js"))
                + "\ntypescript-driver " + sha256(QuickJsModule.resourceBytes("typescript-driver.js"))
                + "\ncompiler bytes " + compilerSize();
    }

    private static long compilerSize() {
        URL compiler = TypeScriptSnapshot.class.getResource(COMPILER);
        if (compiler == null) throw new IllegalStateException(COMPILER + " is not on the class path");
        try {
            return compiler.openConnection().getContentLengthLong(); // a jar entry's size: nothing inflated
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + COMPILER, e);
        }
    }

    static byte[] compilerSource() {
        return QuickJsModule.resourceBytes(COMPILER); // from the org.webjars.npm:typescript dependency
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
