package io.wasmbox;

/** The code cannot be run at all: empty, not valid Unicode, or containing NUL characters. */
public final class InvalidCodeException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the code
     */
    public InvalidCodeException(String message) {
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
