package io.wasmbox.plugins;

import java.time.Duration;

/**
 * Counters of the calls into one loaded plugin version (reset when it is reloaded).
 *
 * @param calls calls that reached the guest (succeeded or failed)
 * @param failures calls that failed: guest error, crash, timeout, memory cap, unusable return value
 * @param consecutiveFailures failures since the last success
 * @param rejectedCalls calls refused by the calls-per-second limit, never sent to the guest
 * @param totalTime time spent in the guest over all calls
 * @param lastError the last failure, as {@code function: Type: message}, or null
 */
public record PluginStats(
        long calls, long failures, int consecutiveFailures, long rejectedCalls, Duration totalTime, String lastError) {
    /** Mean time of one call in the guest, zero before the first call. */
    public Duration averageTime() {
        return calls == 0 ? Duration.ZERO : totalTime.dividedBy(calls);
    }
}
