package io.wasmbox;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How a sandbox is made: its {@link Limits}, its clock and its randomness. Immutable; build with {@link
 * #builder()}.
 *
 * <p>By default a guest is deterministic: its clock is frozen at {@link #DEFAULT_INSTANT} (every clock
 * the guest can read: wall time and monotonic time) and its random sources are seeded with {@code 0},
 * so the same script gives the same output. {@link Builder#realtime()} gives the real clock and real
 * randomness.
 */
public final class SandboxOptions {
    /** Where a deterministic guest's clock stands unless told otherwise. */
    public static final Instant DEFAULT_INSTANT = Instant.parse("2024-01-01T00:00:00Z");
    private static final SandboxOptions DEFAULTS = new Builder().build();

    private final Limits limits;
    private final Clock clock;
    private final long randomSeed;

    private SandboxOptions(Builder b) {
        this.limits = b.limits;
        this.clock = b.clock;
        this.randomSeed = b.randomSeed;
    }

    public static SandboxOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Limits limits() {
        return limits;
    }

    /** The guest's clock; null for the real clock. */
    public Clock clock() {
        return clock;
    }

    /** True when the guest sees the real clock and real randomness. */
    public boolean realtime() {
        return clock == null;
    }

    /** Seed of the guest's random sources (ignored when {@link #realtime()}). */
    public long randomSeed() {
        return randomSeed;
    }

    public Builder toBuilder() {
        Builder b = new Builder().limits(limits).randomSeed(randomSeed);
        b.clock = clock;
        return b;
    }

    public static final class Builder {
        private Limits limits = Limits.defaults();
        private Clock clock = Clock.fixed(DEFAULT_INSTANT, ZoneOffset.UTC);
        private long randomSeed;

        private Builder() {}

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Freezes the guest's time at {@code instant}. */
        public Builder frozenAt(Instant instant) {
            this.clock = Clock.fixed(Objects.requireNonNull(instant, "instant"), ZoneOffset.UTC);
            return this;
        }

        /** Any clock, e.g. a test clock that ticks. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The real clock and real (unseeded) randomness. */
        public Builder realtime() {
            this.clock = null;
            return this;
        }

        public Builder randomSeed(long seed) {
            this.randomSeed = seed;
            return this;
        }

        public SandboxOptions build() {
            return new SandboxOptions(this);
        }
    }
}
