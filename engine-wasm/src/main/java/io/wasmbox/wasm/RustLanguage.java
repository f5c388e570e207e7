package io.wasmbox.wasm;

import io.wasmbox.spi.LanguageInfo;
import java.util.List;

/** Rust: a {@code main.rs} program compiled by Debian's rustc to {@code wasm32-wasi}, then run as a module. */
public final class RustLanguage extends SourceLanguage {
    static final LanguageInfo INFO = new LanguageInfo(
            "rust",
            "Rust",
            "1.63.0",
            "Wasmbox Rust",
            "rustc 1.63 (Debian) --target wasm32-wasi -O, run on Chicory 1.7.2",
            List.of("rust", "rs"),
            List.of("rs"),
            List.of("text/rust", "text/x-rust"));

    public RustLanguage() {
        super(INFO, Toolchain.RUST);
    }
}
