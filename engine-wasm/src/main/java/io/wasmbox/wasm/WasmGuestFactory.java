package io.wasmbox.wasm;

import io.wasmbox.spi.Guest;
import io.wasmbox.spi.GuestContext;
import io.wasmbox.spi.GuestFactory;

/** Makes {@link WasmGuest}s over the shared {@link ModuleCache}; a guest holds no module until its first run. */
final class WasmGuestFactory implements GuestFactory {
    private static final long ONE_PAGE = 64 * 1024;

    private final ModuleCache modules;

    WasmGuestFactory(ModuleCache modules) {
        this.modules = modules;
    }

    @Override
    public long minimumMemoryBytes() {
        return ONE_PAGE;
    }

    @Override
    public Guest create(GuestContext context) {
        return new WasmGuest(modules, context);
    }

    /** Decodes, validates and compiles the module (once per content), so a bad one fails before the run. */
    @Override
    public void validate(String code) {
        modules.load(code);
    }
}
