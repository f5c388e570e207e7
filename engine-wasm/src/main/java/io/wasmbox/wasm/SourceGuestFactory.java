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

    @Override
    public Guest create(GuestContext context) {
        return new SourceGuest(sources, modules, new WasmGuest(modules, context));
    }
}
