package io.wasmbox;

import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageInfo;
import io.wasmbox.spi.LanguageProvider;
import java.lang.System.Logger.Level;

/**
 * A language's guest interpreter, prepared once and shared: thread-safe, it creates any number of
 * isolated {@link Sandbox}es. Obtain it with {@link Wasmbox#interpreter(String)}.
 */
public final class Interpreter {
    private static final System.Logger LOG = System.getLogger(Interpreter.class.getName());

    private final LanguageInfo info;
    private final GuestFactory factory;

    Interpreter(LanguageProvider provider) {
        this.info = provider.info();
        long start = System.nanoTime();
        this.factory = provider.load();
        LOG.log(Level.DEBUG, "{0} interpreter ready in {1} ms", info.id(), (System.nanoTime() - start) / 1_000_000);
        JitAdvice.checkOnce();
    }

    public LanguageInfo info() {
        return info;
    }

    /** Canonical language name, e.g. {@code python}, {@code javascript}. */
    public String language() {
        return info.id();
    }

    public String languageVersion() {
        return info.languageVersion();
    }

    /** A sandbox with {@link SandboxOptions#defaults()}: default limits, frozen clock, seeded randomness. */
    public Sandbox newSandbox() {
        return newSandbox(SandboxOptions.defaults());
    }

    /**
     * A fresh sandbox with the given limits.
     *
     * @throws IllegalArgumentException if the memory cap is below what this language needs to start
     */
    public Sandbox newSandbox(Limits limits) {
        return newSandbox(SandboxOptions.builder().limits(limits).build());
    }

    /**
     * A fresh sandbox with the given limits, clock and randomness.
     *
     * @throws IllegalArgumentException if the memory cap is below what this language needs to start
     */
    public Sandbox newSandbox(SandboxOptions options) {
        Limits limits = options.limits();
        long minimum = factory.minimumMemoryBytes();
        if (limits.memoryBytes() < minimum) {
            throw new IllegalArgumentException(info.id() + " needs a memory limit of at least "
                    + Limits.formatBytes(roundUpToMiB(minimum)) + ", got " + Limits.formatBytes(limits.memoryBytes()));
        }
        return new Sandbox(this, factory, options);
    }

    /** Smallest memory limit a sandbox of this language accepts. */
    public long minimumMemoryBytes() {
        return roundUpToMiB(factory.minimumMemoryBytes());
    }

    private static long roundUpToMiB(long bytes) {
        return (bytes + Limits.MIB - 1) / Limits.MIB * Limits.MIB;
    }

    @Override
    public String toString() {
        return "Interpreter[" + info.id() + " " + info.languageVersion() + "]";
    }
}
