package io.wasmbox.python;

import io.wasmbox.Language;
import io.wasmbox.spi.GuestFactory;
import io.wasmbox.spi.LanguageProvider;
import java.util.List;

/** CPython 3.13 compiled to WebAssembly (trino-wasm-python), as a Wasmbox language. */
public final class PythonLanguage implements LanguageProvider {
    /** The exact CPython release inside trino-wasm-python 3.13-6 (checked against the guest by a test). */
    static final String PYTHON_VERSION = "3.13.0";

    static final Language INFO = new Language(
            "python",
            "Python",
            PYTHON_VERSION,
            "Wasmbox CPython",
            "CPython " + PYTHON_VERSION + " on WebAssembly (trino-wasm-python 3.13-6, Chicory 1.7.2)",
            List.of("python", "py", "cpython", "wasm-python", "python3"),
            List.of("py"),
            List.of("text/x-python", "text/x-python3", "application/x-python"));

    @Override
    public Language info() {
        return INFO;
    }

    @Override
    public GuestFactory load() {
        return new PythonGuestFactory();
    }
}
