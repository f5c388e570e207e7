package io.wasmbox.plugins;

import io.wasmbox.ExecutionTimeoutException;
import io.wasmbox.Limits;
import io.wasmbox.MemoryLimitException;
import io.wasmbox.Units;
import java.lang.reflect.Method;
import org.pf4j.PluginRuntimeException;

/**
 * When a failed call disables its plugin: a timeout or a memory-cap hit at once, a failed restart at
 * once, anything else after {@code maxConsecutiveFailures} in a row. Stateless.
 */
final class FailurePolicy {
    private FailurePolicy() {}

    /**
     * Why the plugin is disabled after this failure.
     *
     * @return the reason, or null when it stays enabled
     */
    static String disableReason(
            Throwable failure, Method method, Limits limits, int failuresInARow, int maxConsecutiveFailures) {
        return switch (failure) {
            case ExecutionTimeoutException t ->
                "timed out: " + method.getName() + "() ran over its "
                        + limits.timeout().toMillis() + " ms limit";
            case MemoryLimitException m ->
                "hit its memory cap of " + limits.memoryBytes() / Units.MIB + " MiB in " + method.getName() + "()";
            case PluginRuntimeException p -> "could not be restarted after a crash: " + p.getMessage();
            default ->
                failuresInARow >= maxConsecutiveFailures
                        ? "failed " + failuresInARow + " calls in a row; last: " + errorText(method, failure)
                        : null;
        };
    }

    /** What the failure is, for the status and the log. */
    static String errorText(Method method, Throwable e) {
        String message = e instanceof IllegalArgumentException
                ? "returned a value the host cannot use (" + e.getMessage() + ")"
                : e.getMessage();
        return method.getName() + ": " + message;
    }
}
