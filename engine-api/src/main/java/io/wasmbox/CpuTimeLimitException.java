package io.wasmbox;

/** The run used up its CPU-time limit ({@link Limits#cpuTime()}) and was stopped. The sandbox cannot be used afterwards. */
public final class CpuTimeLimitException extends WasmboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a run stopped at its CPU-time limit.
     *
     * @param result the run's result
     */
    public CpuTimeLimitException(ExecutionResult result) {
        super(
                "execution stopped at its CPU-time limit"
                        + (result.cpuTime() == null
                                ? ""
                                : " after " + result.cpuTime().toMillis() + " ms of CPU time"),
                result,
                null);
    }
}
