package io.wasmbox;

/** The code (with its prelude) is larger than the code limit. */
public final class CodeTooLargeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public CodeTooLargeException(String message) {
        super(message);
    }
}
