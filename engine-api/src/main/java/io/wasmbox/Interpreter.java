package io.wasmbox;

import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.lang.System.Logger.Level;

/**
 * A language's guest interpreter, prepared once and shared: thread-safe, it creates any number of
 * isolated {@link Sandbox}es. Obtain it with {@link Wasmbox#interpreter(String)}.
 */
public final class Interpreter {
    private static final System.Logger LOG = System.getLogger(Interpreter.class.getName());

    private final Language info;
    private final GuestFactory factory;

    Interpreter(LanguageProvider provider) {
        this.info = provider.info();
        long start = System.nanoTime();
        this.factory = provider.load();
        LOG.log(Level.DEBUG, "{0} interpreter ready in {1} ms", info.id(), (System.nanoTime() - start) / 1_000_000);
        JitAdvice.checkOnce();
    }

    /**
     * The language's description.
     *
     * @return the description
     */
    public Language info() {
        return info;
    }

    /**
     * Canonical language name, e.g. {@code python}, {@code javascript}.
     *
     * @return the id
     */
    public String language() {
        return info.id();
    }

    /**
     * The language version the guest interpreter implements, e.g. {@code 3.13.2}.
     *
     * @return the version
     */
    public String languageVersion() {
        return info.languageVersion();
    }

    /**
     * A fresh sandbox with {@link SandboxOptions#defaults()}: default limits, frozen clock, seeded
     * randomness. The same as {@code sandbox().build()}.
     *
     * @return a new sandbox; close it when done
     */
    public Sandbox newSandbox() {
        return sandbox().build();
    }

    /**
     * The one way to make a sandbox with limits, a clock or randomness of its own:
     * {@code interpreter.sandbox().limits(limits).realtime().build()}.
     *
     * @return a builder starting from {@link SandboxOptions#defaults()}
     */
    public Sandbox.Builder sandbox() {
        return new Sandbox.Builder(this);
    }

    /** Makes the sandbox a builder describes. */
    Sandbox create(SandboxOptions options) {
        Limits limits = options.limits();
        long minimum = factory.minimumMemoryBytes();
        if (limits.memoryBytes() < minimum) {
            throw new IllegalArgumentException(info.id() + " needs a memory limit of at least "
                    + Units.formatBytes(roundUpToMiB(minimum)) + ", got " + Units.formatBytes(limits.memoryBytes()));
        }
        return new Sandbox(this, factory, options);
    }

    /**
     * Smallest memory limit a sandbox of this language accepts.
     *
     * @return bytes, a whole number of MiB
     */
    public long minimumMemoryBytes() {
        return roundUpToMiB(factory.minimumMemoryBytes());
    }

    private static long roundUpToMiB(long bytes) {
        return (bytes + Units.MIB - 1) / Units.MIB * Units.MIB;
    }

    @Override
    public String toString() {
        return "Interpreter[" + info.id() + " " + info.languageVersion() + "]";
    }
}
