package io.wasmbox;

/**
 * An error raised inside the guest, as the guest language describes it.
 *
 * @param type the guest's exception type, e.g. {@code ZeroDivisionError}, {@code TypeError}
 * @param message the exception's message
 * @param stackTrace the guest traceback or stack (never a Java stack)
 * @param line the line of the script where it was raised, or -1 when unknown
 */
public record GuestError(String type, String message, String stackTrace, int line) {
    /** Error type used when a run is stopped at its timeout. */
    public static final String TIMEOUT = "Timeout";
    /** Error type used when a run is stopped at its CPU-time limit. */
    public static final String CPU_TIME_LIMIT = "CpuTimeLimit";
    /** Error type used when the guest ran out of its memory cap and could not raise its own error. */
    public static final String OUT_OF_MEMORY = "OutOfMemory";
    /** Error type used when the guest overflowed its stack and could not raise its own error. */
    public static final String STACK_OVERFLOW = "StackOverflow";
    /** Error type used when the WebAssembly machine trapped (the guest interpreter crashed). */
    public static final String TRAP = "Trap";

    public GuestError {
        type = type == null ? "Error" : type;
        message = message == null ? "" : message;
        stackTrace = stackTrace == null ? "" : stackTrace;
    }

    /** {@code Type: message}, as the guest would print it. */
    public String summary() {
        return message.isEmpty() ? type : type + ": " + message;
    }
}
