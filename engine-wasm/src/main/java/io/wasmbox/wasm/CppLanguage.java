package io.wasmbox.wasm;

import io.wasmbox.Language;
import java.util.List;

/**
 * C++: a {@code main.cpp} program compiled by Debian's clang++ with libc++ to {@code wasm32-wasi} (C++17
 * by default, no exceptions: wasm32-wasi has no unwinding), then run as a module.
 */
public final class CppLanguage extends SourceLanguage {
    static final Language INFO = new Language(
            "cpp",
            "C++",
            "17",
            "Wasmbox C++",
            "clang++ 14 (Debian) --target=wasm32-wasi -O2 -fno-exceptions with libc++, run on Chicory 1.7.2",
            List.of("cpp", "c++", "cxx"),
            List.of("cpp", "cc", "cxx"),
            List.of("text/x-c++src"));

    public CppLanguage() {
        super(INFO, Toolchain.CPP);
    }
}
