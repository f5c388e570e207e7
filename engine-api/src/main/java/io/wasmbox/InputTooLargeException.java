package io.wasmbox;

/** The stdin is larger than the stdin limit. */
public final class InputTooLargeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public InputTooLargeException(String message) {
        super(message);
    }
}
