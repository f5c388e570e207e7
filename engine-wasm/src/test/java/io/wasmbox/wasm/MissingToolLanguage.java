package io.wasmbox.wasm;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.util.List;

/** A test language whose tool is missing on every host, as rust or c are where their toolchain is not installed. */
public final class MissingToolLanguage implements LanguageProvider {
    static final String REASON = "/nonexistent/compiler is missing (apt-get install nothing-real)";

    @Override
    public Language info() {
        return new Language(
                "missing-tool",
                "Missing",
                "1",
                "Missing",
                "Missing",
                List.of("missing-tool"),
                List.of("missing"),
                List.of());
    }

    @Override
    public GuestFactory load() {
        throw new AssertionError("an unavailable language is never loaded");
    }

    @Override
    public String unavailableReason() {
        return REASON;
    }
}
