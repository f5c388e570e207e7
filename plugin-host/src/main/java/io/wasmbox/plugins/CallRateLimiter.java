package io.wasmbox.plugins;

/** Token bucket: {@code perSecond} calls a second on average, bursts of at most max(1, perSecond). */
final class CallRateLimiter {
    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long last;

    CallRateLimiter(double perSecond) {
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond);
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
