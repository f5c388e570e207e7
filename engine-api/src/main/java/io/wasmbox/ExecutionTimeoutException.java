package io.wasmbox;

/** The run exceeded its wall-clock timeout and was stopped. The sandbox cannot be used afterwards. */
public final class ExecutionTimeoutException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    public ExecutionTimeoutException(ExecutionResult result) {
        super("execution timed out after " + result.duration().toMillis() + " ms", result, null);
    }
}
