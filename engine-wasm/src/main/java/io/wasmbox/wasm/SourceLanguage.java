package io.wasmbox.wasm;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;

/**
 * A compiled language: the run's code is source that a {@link Toolchain} compiles to {@code wasm32-wasi}
 * inside bubblewrap; the module then runs as a {@code wasm} command module. Available only where the
 * toolchain and bubblewrap are installed.
 */
abstract class SourceLanguage implements LanguageProvider {
    private final Language info;
    private final Toolchain toolchain;

    SourceLanguage(Language info, Toolchain toolchain) {
        this.info = info;
        this.toolchain = toolchain;
    }

    @Override
    public Language info() {
        return info;
    }

    @Override
    public GuestFactory load() {
        return new SourceGuestFactory(new SourceModules(new SandboxedCompiler(toolchain)), ModuleCache.shared());
    }

    @Override
    public String unavailableReason() {
        return SandboxedCompiler.unavailableReason(toolchain);
    }
}
