package io.wasmbox;

import java.util.Objects;

/**
 * An error that ended a run: the guest's own uncaught error as the guest language describes it, or a
 * failure the host detected (timeout, crash). Immutable and thread-safe.
 *
 * @param kind what kind of failure it is, the host's typed verdict; never {@link ErrorKind#NONE}
 * @param type the guest's exception type name, e.g. {@code ZeroDivisionError}, {@code TypeError}; for a
 *     failure the host detected, a descriptive name ({@link #TIMEOUT}, {@link #TRAP}, ...). Use {@link
 *     #kind()} to tell failures apart, this for display
 * @param message the exception's message
 * @param stackTrace the guest traceback or stack (never a Java stack)
 * @param line the line of the script where it was raised, or -1 when unknown
 */
public record GuestError(ErrorKind kind, String type, String message, String stackTrace, int line) {
    /** Type name shown for a run stopped at its timeout ({@link ErrorKind#TIMEOUT}). */
    public static final String TIMEOUT = "Timeout";
    /** Type name shown for a run stopped at its CPU-time limit ({@link ErrorKind#CPU_TIME}). */
    public static final String CPU_TIME_LIMIT = "CpuTimeLimit";
    /** Type name shown when the guest ran out of its memory cap and could not raise its own error. */
    public static final String OUT_OF_MEMORY = "OutOfMemory";
    /** Type name shown when the guest overflowed its stack and could not raise its own error. */
    public static final String STACK_OVERFLOW = "StackOverflow";
    /** Type name shown when the WebAssembly machine trapped (the guest interpreter crashed). */
    public static final String TRAP = "Trap";

    /** Fills absent texts with defaults ({@code Error}, empty message and trace). */
    public GuestError {
        Objects.requireNonNull(kind, "kind");
        if (kind == ErrorKind.NONE) throw new IllegalArgumentException("an error's kind cannot be NONE");
        type = type == null ? "Error" : type;
        message = message == null ? "" : message;
        stackTrace = stackTrace == null ? "" : stackTrace;
    }

    /**
     * The guest's own uncaught error ({@link ErrorKind#GUEST_ERROR}).
     *
     * @param type the guest's exception type name
     * @param message the exception's message
     * @param stackTrace the guest traceback
     * @param line the script line, or -1
     */
    public GuestError(String type, String message, String stackTrace, int line) {
        this(ErrorKind.GUEST_ERROR, type, message, stackTrace, line);
    }

    /**
     * {@code Type: message}, as the guest would print it.
     *
     * @return the one-line summary
     */
    public String summary() {
        return message.isEmpty() ? type : type + ": " + message;
    }
}
