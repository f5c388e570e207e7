package io.wasmbox;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasi.WasiExitException;
import io.wasmbox.spi.GuestCrashedException;

/**
 * Turns what escaped a guest's machine into a verdict, by the failure's type (never its message): a
 * WASI exit, a crash the language recognised, a stack overflow, an interrupt, the host's heap, or a
 * trap of the WebAssembly machine (a trap with the linear memory at its cap is an out-of-memory).
 */
final class CrashClassifier {
    /** A trap within this much of the memory cap is taken as the guest running out of memory. */
    static final long AT_CAP_SLACK_BYTES = 1 << 20;

    private CrashClassifier() {}

    /**
     * What the crash means for the run.
     *
     * @param error the error to report, null for a plain exit
     * @param exitCode the exit code
     * @param outOfMemory whether the memory cap was hit
     */
    record Crash(GuestError error, int exitCode, boolean outOfMemory) {}

    /**
     * Classifies a failure.
     *
     * @param failure what the guest's call threw
     * @param memoryBytes the guest's linear memory size after the failure
     * @param memoryCap the sandbox's memory cap
     * @return the verdict, or null when the failure is not the guest's (an internal error)
     */
    static Crash classify(Throwable failure, long memoryBytes, long memoryCap) {
        return switch (failure) {
            case WasiExitException exit -> new Crash(null, exit.exitCode(), false);
            case GuestCrashedException crash -> new Crash(crash.error(), 1, crash.outOfMemory());
            case StackOverflowError so ->
                new Crash(
                        new GuestError(
                                ErrorKind.STACK_OVERFLOW,
                                GuestError.STACK_OVERFLOW,
                                "the guest exhausted its stack (too deep recursion)",
                                "",
                                -1),
                        1,
                        false);
            case ChicoryInterruptedException ie ->
                new Crash(
                        new GuestError(ErrorKind.INTERRUPTED, "Interrupted", "the guest was interrupted", "", -1),
                        1,
                        false);
            case OutOfMemoryError oom ->
                new Crash(
                        new GuestError(
                                ErrorKind.MEMORY,
                                GuestError.OUT_OF_MEMORY,
                                "the host ran out of heap while running the guest",
                                "",
                                -1),
                        1,
                        true);
            case RuntimeException trap -> {
                // TrapException, WasmRuntimeException, ...: the WebAssembly machine failed.
                boolean atCap = memoryBytes + AT_CAP_SLACK_BYTES >= memoryCap;
                GuestError error = atCap
                        ? new GuestError(
                                ErrorKind.MEMORY,
                                GuestError.OUT_OF_MEMORY,
                                "the guest ran out of memory (cap " + Units.formatBytes(memoryCap) + ") and crashed",
                                "",
                                -1)
                        : new GuestError(
                                ErrorKind.TRAP, GuestError.TRAP, "the guest crashed: " + trap.getMessage(), "", -1);
                yield new Crash(error, 1, atCap);
            }
            default -> null;
        };
    }
}
