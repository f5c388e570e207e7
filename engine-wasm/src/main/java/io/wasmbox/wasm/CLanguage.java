package io.wasmbox.wasm;

import io.wasmbox.spi.LanguageInfo;
import java.util.List;

/** C: a {@code main.c} program compiled by Debian's clang with wasi-libc to {@code wasm32-wasi}, then run as a module. */
public final class CLanguage extends SourceLanguage {
    static final LanguageInfo INFO = new LanguageInfo(
            "c",
            "C",
            "17",
            "Wasmbox C",
            "clang 14 (Debian) --target=wasm32-wasi -O2 with wasi-libc, run on Chicory 1.7.2",
            List.of("c", "clang"),
            List.of("c"),
            List.of("text/x-c", "text/x-csrc"));

    public CLanguage() {
        super(INFO, Toolchain.C);
    }
}
