package io.wasmbox;

/** The guest ended with an uncaught error or a non-zero exit code. Carries the guest's own traceback. */
public final class GuestException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a run that ended with an error or a non-zero exit code.
     *
     * @param result the run's result
     */
    public GuestException(ExecutionResult result) {
        super(message(result), result, null);
    }

    private static String message(ExecutionResult result) {
        GuestError e = result.error();
        if (e == null) return "script exited with code " + result.exitCode();
        return e.summary() + (e.line() > 0 ? " (line " + e.line() + ")" : "");
    }

    /**
     * The guest's error.
     *
     * @return the error (kind, type, message, guest traceback, line), or null for a plain non-zero exit
     */
    public GuestError guestError() {
        return result().error();
    }

    /**
     * The guest's traceback.
     *
     * @return the traceback text; empty for a plain non-zero exit
     */
    public String guestStackTrace() {
        return guestError() == null ? "" : guestError().stackTrace();
    }
}
