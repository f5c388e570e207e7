package io.wasmbox;

/** No engine on the class path handles the requested language. */
public final class UnsupportedLanguageException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public UnsupportedLanguageException(String message) {
        super(message);
    }
}
