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
 * randomness. Immutable and thread-safe.
 */
public final class SandboxOptions {
    /** Where a deterministic guest's clock stands unless told otherwise. */
    public static final Instant DEFAULT_INSTANT = Instant.parse("2024-01-01T00:00:00Z");

    private static final SandboxOptions DEFAULTS = new Builder().build();

    private final Limits limits;
    private final boolean realtime;
    private final Clock clock;
    private final long randomSeed;

    private SandboxOptions(Builder b) {
        this.limits = b.limits;
        this.realtime = b.realtime;
        this.clock = b.realtime ? Clock.systemUTC() : b.clock;
        this.randomSeed = b.randomSeed;
    }

    /**
     * Default limits, frozen clock at {@link #DEFAULT_INSTANT}, random seed 0.
     *
     * @return the shared defaults
     */
    public static SandboxOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The sandbox's limits.
     *
     * @return the limits
     */
    public Limits limits() {
        return limits;
    }

    /**
     * The guest's clock.
     *
     * @return the frozen or given clock; the system clock when {@link #realtime()} (never null)
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Whether the guest sees the real clock and real randomness.
     *
     * @return true when real time
     */
    public boolean realtime() {
        return realtime;
    }

    /**
     * Seed of the guest's random sources (ignored when {@link #realtime()}).
     *
     * @return the seed
     */
    public long randomSeed() {
        return randomSeed;
    }

    /**
     * A builder holding these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().limits(limits).randomSeed(randomSeed);
        b.clock = clock;
        b.realtime = realtime;
        return b;
    }

    /** Builds {@link SandboxOptions}. Not thread-safe. */
    public static final class Builder {
        private Limits limits = Limits.defaults();
        private Clock clock = Clock.fixed(DEFAULT_INSTANT, ZoneOffset.UTC);
        private boolean realtime;
        private long randomSeed;

        private Builder() {}

        /**
         * The sandbox's limits.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Freezes the guest's time at {@code instant}.
         *
         * @param instant the guest's time
         * @return this builder
         */
        public Builder frozenAt(Instant instant) {
            this.clock = Clock.fixed(Objects.requireNonNull(instant, "instant"), ZoneOffset.UTC);
            this.realtime = false;
            return this;
        }

        /**
         * Any clock, e.g. a test clock that ticks.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.realtime = false;
            return this;
        }

        /**
         * The real clock and real (unseeded) randomness.
         *
         * @return this builder
         */
        public Builder realtime() {
            this.realtime = true;
            return this;
        }

        /**
         * The seed of the guest's random sources.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder randomSeed(long seed) {
            this.randomSeed = seed;
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options
         */
        public SandboxOptions build() {
            return new SandboxOptions(this);
        }
    }
}
