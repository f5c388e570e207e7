package io.wasmbox;

/** The stdin is larger than the stdin limit. */
public final class InputTooLargeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the stdin size against the limit
     */
    public InputTooLargeException(String message) {
        super(message);
    }

    /**
     * Nothing ran: the input was refused.
     *
     * @return {@link ErrorKind#REJECTED}
     */
    @Override
    public ErrorKind kind() {
        return ErrorKind.REJECTED;
    }
}
