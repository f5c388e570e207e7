package io.wasmbox;

/** The code (with its prelude) is larger than the code limit. */
public final class CodeTooLargeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the code and prelude size against the limit
     */
    public CodeTooLargeException(String message) {
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
