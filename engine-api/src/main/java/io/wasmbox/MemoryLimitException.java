package io.wasmbox;

/** The guest needed more memory than its cap allows. */
public final class MemoryLimitException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a run that hit its memory cap.
     *
     * @param result the run's result
     */
    public MemoryLimitException(ExecutionResult result) {
        super(
                "memory limit reached"
                        + (result.error() == null ? "" : ": " + result.error().summary()),
                result,
                null);
    }
}
