package io.wasmbox;

/** The code cannot be run at all: empty, not valid Unicode, or containing NUL characters. */
public final class InvalidCodeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public InvalidCodeException(String message) {
        super(message);
    }
}
