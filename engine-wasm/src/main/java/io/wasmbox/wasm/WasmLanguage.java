package io.wasmbox.wasm;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.util.List;

/**
 * Any WebAssembly module that imports nothing but WASI preview 1 ({@code wasi_snapshot_preview1}): Rust,
 * C, C++, Zig, Go or AssemblyScript compiled to {@code wasm32-wasip1}. The code of a run is the module's
 * bytes in base64 (whitespace allowed).
 *
 * <ul>
 *   <li>A command module (it exports {@code _start}) runs to its end with the run's stdin, arguments
 *       ({@code argv[0]} is the file name), environment, stdout/stderr and exit code; every run is a fresh
 *       instance.
 *   <li>A reactor module (no {@code _start}) is instantiated by the run (its {@code _initialize} is
 *       called when it exports one) and kept: {@code invoke(name, numbers...)} calls its exported
 *       functions that take and return numbers; {@code getGlobal} reads its exported globals.
 * </ul>
 *
 * <p>Modules are validated on the caller's thread before anything runs ({@code InvalidCodeException} for
 * bytes that are not a module and for imports other than WASI preview 1), then compiled to JVM bytecode
 * once per content (SHA-256) and shared by every sandbox.
 */
public final class WasmLanguage implements LanguageProvider {
    static final Language INFO = new Language(
            "wasm",
            "WebAssembly",
            "WebAssembly 2.0 + WASI preview 1",
            "Wasmbox WebAssembly",
            "Chicory 1.7.2 runtime, modules compiled to JVM bytecode at load time (Chicory compiler 1.7.5)",
            List.of("wasm", "webassembly", "wasi"),
            List.of("wasm"),
            List.of("application/wasm"));

    @Override
    public Language info() {
        return INFO;
    }

    @Override
    public GuestFactory load() {
        return new WasmGuestFactory(ModuleCache.shared());
    }
}
