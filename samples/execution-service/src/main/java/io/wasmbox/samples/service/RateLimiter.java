package io.wasmbox.samples.service;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client token buckets: each client holds up to {@code burst} tokens, refilled at {@code perMinute}
 * tokens a minute; an execution takes one token (a batch one per request).
 */
final class RateLimiter {
    /** Buckets kept before idle, full ones are dropped (a bound on memory for many distinct clients). */
    private static final int SWEEP_ABOVE = 10_000;

    private final double tokensPerNano;
    private final int burst;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double perMinute, int burst, LongSupplier nanoClock) {
        this.tokensPerNano = perMinute / 60e9;
        this.burst = burst;
        this.clock = nanoClock;
    }

    boolean enabled() {
        return tokensPerNano > 0;
    }

    /**
     * Takes {@code tokens} from the client's bucket.
     *
     * @return 0 when granted, else the seconds to wait before the request could be granted
     */
    long tryAcquire(String client, int tokens) {
        if (!enabled()) return 0;
        if (buckets.size() > SWEEP_ABOVE) sweep();
        Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(burst, clock.getAsLong()));
        synchronized (b) {
            long now = clock.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) * tokensPerNano);
            b.updated = now;
            int need = Math.min(tokens, burst); // a batch larger than the bucket takes all of it
            if (need <= b.tokens) {
                b.tokens -= need;
                return 0;
            }
            double missing = need - b.tokens;
            return Math.max(1, (long) Math.ceil(missing / tokensPerNano / 1e9));
        }
    }

    private void sweep() {
        long now = clock.getAsLong();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().tokens + (now - e.getValue().updated) * tokensPerNano >= burst;
            }
        });
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
