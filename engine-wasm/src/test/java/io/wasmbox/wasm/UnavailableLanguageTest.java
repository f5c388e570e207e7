package io.wasmbox.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmbox.UnsupportedLanguageException;
import io.wasmbox.Wasmbox;
import org.junit.jupiter.api.Test;

/** A language missing its tool on this host (as rust and c without their toolchain): a clear error, never a crash. */
class UnavailableLanguageTest {
    @Test
    void anUnavailableLanguageIsNotListedAndAskingForItNamesWhatIsMissing() {
        assertThat(Wasmbox.languages()).noneMatch(l -> l.id().equals("missing-tool"));
        assertThat(Wasmbox.findLanguage("missing-tool")).isEmpty();
        assertThat(Wasmbox.languageForFile("x.missing")).isEmpty();
        assertThat(Wasmbox.unavailableLanguages()).containsEntry("missing-tool", MissingToolLanguage.REASON);
        assertThatThrownBy(() -> Wasmbox.interpreter("missing-tool"))
                .isInstanceOf(UnsupportedLanguageException.class)
                .hasMessageContaining("missing-tool is not available on this host")
                .hasMessageContaining("/nonexistent/compiler is missing");
    }

    @Test
    void theToolchainChecksNameThePackagesToInstall() {
        assertThat(Toolchain.RUST.install()).contains("rustc", "libstd-rust-dev-wasm32");
        assertThat(Toolchain.C.install()).contains("clang", "lld", "wasi-libc", "libclang-rt-14-dev-wasm32");
    }
}
