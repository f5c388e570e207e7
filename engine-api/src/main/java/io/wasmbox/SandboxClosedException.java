package io.wasmbox;

/** The sandbox was closed, or was discarded after a timeout or a crash of its guest. */
public final class SandboxClosedException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the sandbox cannot be used
     */
    public SandboxClosedException(String message) {
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
