package io.wasmbox.spi;

/**
 * One isolated guest interpreter instance (one WebAssembly instance). Used by one thread at a time; the
 * shared layer serialises calls, enforces the timeout by interrupting the running thread, and discards a
 * guest after a timeout or any exception thrown by {@link #run}.
 */
public interface Guest extends AutoCloseable {
    /**
     * Runs one request to completion. Guest-level failures (uncaught exceptions, exit codes, guest
     * out-of-memory errors) come back in the response; throwing means the guest machine itself failed
     * (trap, interruption, stack overflow, process exit) and will not be used again.
     *
     * @param request what to run
     * @return the driver's response
     */
    GuestResponse run(GuestRequest request);

    /**
     * Current size of the guest's linear memory.
     *
     * @return bytes
     */
    long memoryBytes();

    @Override
    void close();
}
