package io.wasmbox;

/** Base of every Wasmbox error. Subtypes say what went wrong; {@link #result()} is set when a run happened. */
public class WasmboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ExecutionResult result;

    public WasmboxException(String message) {
        this(message, null, null);
    }

    public WasmboxException(String message, Throwable cause) {
        this(message, null, cause);
    }

    protected WasmboxException(String message, ExecutionResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The result of the run that failed, with its output so far; null when nothing ran. */
    public ExecutionResult result() {
        return result;
    }

    /** The line of the script the error points at, or -1. */
    public int lineNumber() {
        return result != null && result.error() != null ? result.error().line() : -1;
    }
}
