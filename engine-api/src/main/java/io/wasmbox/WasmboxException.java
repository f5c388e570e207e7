package io.wasmbox;

/**
 * Base of every Wasmbox error. Subtypes say what went wrong, {@link #kind()} says it as a typed verdict,
 * and {@link #result()} is set when a run happened.
 */
public class WasmboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ExecutionResult result;

    /**
     * An error with a message only.
     *
     * @param message what went wrong
     */
    public WasmboxException(String message) {
        this(message, null, null);
    }

    /**
     * An error caused by another.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public WasmboxException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /**
     * An error about a run.
     *
     * @param message what went wrong
     * @param result the run's result, or null
     * @param cause the underlying failure, or null
     */
    protected WasmboxException(String message, ExecutionResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /**
     * The result of the run that failed.
     *
     * @return the result, with its output so far; null when nothing ran
     */
    public ExecutionResult result() {
        return result;
    }

    /**
     * The line of the script the error points at.
     *
     * @return the line, or -1
     */
    public int lineNumber() {
        return result != null && result.error() != null ? result.error().line() : -1;
    }

    /**
     * What kind of failure this is: the run's {@link ExecutionResult#kind()} when a run happened; {@link
     * ErrorKind#REJECTED} when the input was refused before anything ran (the input exceptions, {@link
     * SandboxClosedException}, {@link UnsupportedLanguageException}); else {@link ErrorKind#INTERNAL}.
     *
     * @return the kind, never null
     */
    public ErrorKind kind() {
        return result != null ? result.kind() : ErrorKind.INTERNAL;
    }
}
