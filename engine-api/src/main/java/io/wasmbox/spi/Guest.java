package io.wasmbox.spi;

import java.util.List;

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

    /**
     * Runs {@code requests} in order, {@code rounds} times: a template's training before its snapshot is taken,
     * so that what an interpreter makes on first use (specialised code, caches, the allocator's free lists)
     * is made once for every sandbox restored from that snapshot. The requests must leave nothing a sandbox
     * could see (no clock, no random numbers, no names of their own).
     *
     * @param requests the driver's common paths
     * @param rounds how often to run them
     * @throws IllegalStateException if a request fails
     */
    default void train(List<GuestRequest> requests, int rounds) {
        for (int i = 0; i < rounds; i++) {
            for (GuestRequest request : requests) {
                GuestResponse response = run(request);
                if (response.error() != null) {
                    throw new IllegalStateException("the guest driver failed its training run: " + response.error());
                }
            }
        }
    }

    @Override
    void close();
}
