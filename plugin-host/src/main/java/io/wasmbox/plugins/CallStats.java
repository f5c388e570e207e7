package io.wasmbox.plugins;

import java.time.Duration;

/** A plugin's call counters. Thread-safe. */
final class CallStats {
    private long calls;
    private long failures;
    private int consecutiveFailures;
    private long rejectedCalls;
    private long totalNanos;
    private String lastError;

    synchronized void success(long nanos) {
        calls++;
        totalNanos += nanos;
        consecutiveFailures = 0;
    }

    /** Counts a failed call; returns how many failed in a row. */
    synchronized int failure(long nanos, String error) {
        calls++;
        failures++;
        totalNanos += nanos;
        lastError = error;
        return ++consecutiveFailures;
    }

    /** A (re)started plugin starts a new run of failures. */
    synchronized void restarted() {
        consecutiveFailures = 0;
    }

    synchronized void rejected() {
        rejectedCalls++;
    }

    synchronized PluginStats snapshot() {
        return new PluginStats(
                calls, failures, consecutiveFailures, rejectedCalls, Duration.ofNanos(totalNanos), lastError);
    }
}
