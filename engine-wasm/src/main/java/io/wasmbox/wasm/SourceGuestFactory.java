package io.wasmbox.wasm;

import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;

/** Makes {@link SourceGuest}s: compile (cached by source), then run as a WebAssembly guest. */
final class SourceGuestFactory implements GuestFactory {
    private final SourceModules sources;
    private final ModuleCache modules;

    SourceGuestFactory(SourceModules sources, ModuleCache modules) {
        this.sources = sources;
        this.modules = modules;
    }

    @Override
    public long minimumMemoryBytes() {
        return 64 * 1024;
    }

    /**
     * Compiles the source (and its module to JVM bytecode) before the run, on the caller's thread, so the
     * run's timeout and CPU time cover the program only; the compiler has its own limits. A compile error
     * is not thrown here: the run reports it as its {@code CompileError}.
     */
    @Override
    public void validate(String code) {
        CompileResult compiled;
        try {
            compiled = sources.compile(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.wasmbox.WasmboxException("interrupted while compiling", e);
        }
        if (compiled.succeeded()) {
            try {
                modules.load(compiled.module());
            } catch (io.wasmbox.InvalidCodeException e) {
                // reported by the run as a compile error
            }
        }
    }

    @Override
    public Guest create(GuestContext context) {
        return new SourceGuest(sources, modules, new WasmGuest(modules, context));
    }
}
