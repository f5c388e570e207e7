package io.wasmbox;

/** The run exceeded its wall-clock timeout and was stopped. The sandbox cannot be used afterwards. */
public final class ExecutionTimeoutException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a run stopped at its timeout.
     *
     * @param result the run's result, with the output produced before the stop
     */
    public ExecutionTimeoutException(ExecutionResult result) {
        super("execution timed out after " + result.duration().toMillis() + " ms", result, null);
    }
}
