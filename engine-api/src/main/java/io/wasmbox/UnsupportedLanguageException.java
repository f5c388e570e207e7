package io.wasmbox;

/** No engine on the class path handles the requested language. */
public final class UnsupportedLanguageException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the unknown name and the languages available
     */
    public UnsupportedLanguageException(String message) {
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
