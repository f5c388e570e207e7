package io.wasmbox.spi;

import io.wasmbox.GuestError;

/**
 * Thrown by a {@link Guest} whose machine failed in a way the language understands (its stack
 * overflowed, its runtime aborted on an allocation failure...): the sandbox reports {@link #error()} and
 * discards the guest.
 */
public final class GuestCrashedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient GuestError error;
    private final boolean outOfMemory;

    /**
     * A crash the language recognised.
     *
     * @param error what to report
     * @param outOfMemory whether the memory cap caused it
     * @param cause the machine's failure, or null
     */
    public GuestCrashedException(GuestError error, boolean outOfMemory, Throwable cause) {
        super(error.summary(), cause);
        this.error = error;
        this.outOfMemory = outOfMemory;
    }

    /**
     * What the sandbox reports.
     *
     * @return the error
     */
    public GuestError error() {
        return error;
    }

    /**
     * Whether the memory cap caused the crash.
     *
     * @return true when out of memory
     */
    public boolean outOfMemory() {
        return outOfMemory;
    }
}
