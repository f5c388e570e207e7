package io.wasmbox;

import static io.wasmbox.Units.GIB;
import static io.wasmbox.Units.KIB;
import static io.wasmbox.Units.MIB;
import static io.wasmbox.Units.formatBytes;
import static io.wasmbox.Units.parseDuration;
import static io.wasmbox.Units.parseSize;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Resource limits of a {@link Sandbox}. Immutable; build with {@link #builder()}.
 *
 * <p>Every value is range-checked when set, so an out-of-range limit fails where it is written, with a
 * message naming the limit, the value and the allowed range. Sizes and durations in text form are parsed
 * by {@link Units}.
 *
 * <p>Immutable and thread-safe. The timeout here is the sandbox's default for every run; {@link
 * RunOptions.Builder#timeout} replaces it for one run.
 */
public final class Limits {
    /** The largest memory cap: wasm32 can address at most 4 GiB of linear memory. */
    public static final long MAX_MEMORY_BYTES = 4 * GIB;
    /** The smallest memory cap (a language may need more to start, see {@link Interpreter#minimumMemoryBytes()}). */
    public static final long MIN_MEMORY_BYTES = 1 * MIB;
    /** The shortest timeout. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** The longest timeout. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    /** The largest output cap. */
    public static final long MAX_OUTPUT_BYTES = 1 * GIB;
    /** The largest code cap. */
    public static final long MAX_CODE_BYTES = 64 * MIB;
    /** The largest stdin cap. */
    public static final long MAX_STDIN_BYTES = 1 * GIB;

    private static final Limits DEFAULTS = new Builder().build();

    private final long memoryBytes;
    private final Duration timeout;
    private final long maxOutputBytes;
    private final long maxCodeBytes;
    private final long maxStdinBytes;
    private final Duration cpuTime;

    private Limits(Builder b) {
        this.memoryBytes = b.memoryBytes;
        this.timeout = b.timeout;
        this.maxOutputBytes = b.maxOutputBytes;
        this.maxCodeBytes = b.maxCodeBytes;
        this.maxStdinBytes = b.maxStdinBytes;
        this.cpuTime = b.cpuTime;
    }

    /**
     * The defaults: 128 MiB memory, 10 s timeout, 1 MiB output, 100 KiB code, 1 MiB stdin.
     *
     * @return the default limits
     */
    public static Limits defaults() {
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
     * A builder starting from these limits.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .memoryBytes(memoryBytes)
                .timeout(timeout)
                .maxOutputBytes(maxOutputBytes)
                .maxCodeBytes(maxCodeBytes)
                .maxStdinBytes(maxStdinBytes)
                .cpuTime(cpuTime);
    }

    /**
     * Hard cap on the guest's linear memory.
     *
     * @return bytes
     */
    public long memoryBytes() {
        return memoryBytes;
    }

    /**
     * Wall-clock time one run may take before it is stopped.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Combined cap on stdout and stderr of one run; output beyond it is cut and flagged.
     *
     * @return bytes
     */
    public long maxOutputBytes() {
        return maxOutputBytes;
    }

    /**
     * Cap on the UTF-8 size of the code (and prelude) of one run.
     *
     * @return bytes
     */
    public long maxCodeBytes() {
        return maxCodeBytes;
    }

    /**
     * Cap on the UTF-8 size of the stdin of one run.
     *
     * @return bytes
     */
    public long maxStdinBytes() {
        return maxStdinBytes;
    }

    /**
     * CPU time the guest thread may use in one run before it is stopped, or null for no CPU-time limit
     * (the default: the wall-clock {@link #timeout()} still applies). Measured from the guest thread's CPU
     * time, so time spent waiting (for a host function's I/O, for a CPU the machine gives to others) does
     * not count.
     *
     * @return the limit, or null for none
     */
    public Duration cpuTime() {
        return cpuTime;
    }

    /**
     * Reads limits from string properties, falling back to {@code base} for absent keys. Keys: {@code
     * wasmbox.memory}, {@code wasmbox.timeout}, {@code wasmbox.maxOutput}, {@code wasmbox.maxCode},
     * {@code wasmbox.maxStdin}, {@code wasmbox.cpuTime}. Sizes accept a plain byte count or a suffix {@code k}, {@code m}, {@code g}
     * ({@code 64m}); durations accept milliseconds or a suffix {@code ms}, {@code s}, {@code m} ({@code 5s}).
     *
     * @param lookup returns the property value (a String, Number or Duration) or null when absent
     * @param base the limits for absent keys
     * @return the limits
     * @throws IllegalArgumentException naming the property when a value is malformed or out of range
     */
    public static Limits fromProperties(Function<String, Object> lookup, Limits base) {
        Builder b = base.toBuilder();
        Object v;
        if ((v = lookup.apply(MEMORY_PROPERTY)) != null) b.memoryBytes(parseSize(MEMORY_PROPERTY, v));
        if ((v = lookup.apply(TIMEOUT_PROPERTY)) != null) b.timeout(parseDuration(TIMEOUT_PROPERTY, v));
        if ((v = lookup.apply(MAX_OUTPUT_PROPERTY)) != null) b.maxOutputBytes(parseSize(MAX_OUTPUT_PROPERTY, v));
        if ((v = lookup.apply(MAX_CODE_PROPERTY)) != null) b.maxCodeBytes(parseSize(MAX_CODE_PROPERTY, v));
        if ((v = lookup.apply(MAX_STDIN_PROPERTY)) != null) b.maxStdinBytes(parseSize(MAX_STDIN_PROPERTY, v));
        if ((v = lookup.apply(CPU_TIME_PROPERTY)) != null) b.cpuTime(parseDuration(CPU_TIME_PROPERTY, v));
        return b.build();
    }

    /**
     * The defaults, overridden by the {@code wasmbox.*} system properties.
     *
     * @return the limits
     * @throws IllegalArgumentException naming the property when a value is malformed or out of range
     */
    public static Limits fromSystemProperties() {
        return fromProperties(System::getProperty, DEFAULTS);
    }

    /** Property naming the memory cap, e.g. {@code 64m}. */
    public static final String MEMORY_PROPERTY = "wasmbox.memory";
    /** Property naming the timeout, e.g. {@code 2s}. */
    public static final String TIMEOUT_PROPERTY = "wasmbox.timeout";
    /** Property naming the output cap, e.g. {@code 100k}. */
    public static final String MAX_OUTPUT_PROPERTY = "wasmbox.maxOutput";
    /** Property naming the code cap, e.g. {@code 1m}. */
    public static final String MAX_CODE_PROPERTY = "wasmbox.maxCode";
    /** Property naming the stdin cap, e.g. {@code 4m}. */
    public static final String MAX_STDIN_PROPERTY = "wasmbox.maxStdin";
    /** Property naming the CPU-time limit, e.g. {@code 1s}. */
    public static final String CPU_TIME_PROPERTY = "wasmbox.cpuTime";

    /**
     * Checks a timeout against the allowed range: the one check for sandbox and per-run timeouts.
     *
     * @throws IllegalArgumentException when out of range
     */
    static Duration checkTimeout(Duration timeout) {
        return checkDuration("timeout", timeout);
    }

    private static Duration checkDuration(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(MIN_TIMEOUT) < 0 || value.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be between " + MIN_TIMEOUT.toMillis() + " ms and "
                    + MAX_TIMEOUT.toHours() + " h, got " + value);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l
                && memoryBytes == l.memoryBytes
                && timeout.equals(l.timeout)
                && maxOutputBytes == l.maxOutputBytes
                && maxCodeBytes == l.maxCodeBytes
                && maxStdinBytes == l.maxStdinBytes
                && Objects.equals(cpuTime, l.cpuTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memoryBytes, timeout, maxOutputBytes, maxCodeBytes, maxStdinBytes, cpuTime);
    }

    @Override
    public String toString() {
        return "Limits[memory=" + formatBytes(memoryBytes) + ", timeout=" + timeout.toMillis() + " ms, maxOutput="
                + formatBytes(maxOutputBytes) + ", maxCode=" + formatBytes(maxCodeBytes) + ", maxStdin="
                + formatBytes(maxStdinBytes) + (cpuTime == null ? "" : ", cpuTime=" + cpuTime.toMillis() + " ms") + "]";
    }

    /** Builds {@link Limits}; each setter throws {@link IllegalArgumentException} for a value out of range. */
    public static final class Builder {
        private long memoryBytes = 128 * MIB;
        private Duration timeout = Duration.ofSeconds(10);
        private long maxOutputBytes = 1 * MIB;
        private long maxCodeBytes = 100 * KIB;
        private long maxStdinBytes = 1 * MIB;
        private Duration cpuTime;

        private Builder() {}

        /**
         * The memory cap.
         *
         * @param bytes between {@link #MIN_MEMORY_BYTES} and {@link #MAX_MEMORY_BYTES}
         * @return this builder
         */
        public Builder memoryBytes(long bytes) {
            this.memoryBytes = checkRange("memory", bytes, MIN_MEMORY_BYTES, MAX_MEMORY_BYTES);
            return this;
        }

        /**
         * The memory cap in MiB.
         *
         * @param mebibytes between 1 and 4096
         * @return this builder
         */
        public Builder memoryMiB(long mebibytes) {
            if (mebibytes < 0 || mebibytes > MAX_MEMORY_BYTES / MIB) {
                throw new IllegalArgumentException("memory must be between " + formatBytes(MIN_MEMORY_BYTES) + " and "
                        + formatBytes(MAX_MEMORY_BYTES) + ", got " + mebibytes + " MiB");
            }
            return memoryBytes(mebibytes * MIB);
        }

        /**
         * The wall-clock time one run may take.
         *
         * @param timeout between {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = checkTimeout(timeout);
            return this;
        }

        /**
         * The timeout in milliseconds.
         *
         * @param millis between 1 and 86,400,000
         * @return this builder
         */
        public Builder timeoutMillis(long millis) {
            return timeout(Duration.ofMillis(millis));
        }

        /**
         * The combined stdout and stderr cap.
         *
         * @param bytes between 0 and {@link #MAX_OUTPUT_BYTES}
         * @return this builder
         */
        public Builder maxOutputBytes(long bytes) {
            this.maxOutputBytes = checkRange("maxOutput", bytes, 0, MAX_OUTPUT_BYTES);
            return this;
        }

        /**
         * The code (and prelude) size cap.
         *
         * @param bytes between 1 and {@link #MAX_CODE_BYTES}
         * @return this builder
         */
        public Builder maxCodeBytes(long bytes) {
            this.maxCodeBytes = checkRange("maxCode", bytes, 1, MAX_CODE_BYTES);
            return this;
        }

        /**
         * The stdin size cap.
         *
         * @param bytes between 0 and {@link #MAX_STDIN_BYTES}
         * @return this builder
         */
        public Builder maxStdinBytes(long bytes) {
            this.maxStdinBytes = checkRange("maxStdin", bytes, 0, MAX_STDIN_BYTES);
            return this;
        }

        /**
         * CPU time one run may use, or none: same range as the timeout.
         *
         * @param cpuTime the limit, or null for no CPU-time limit
         * @return this builder
         */
        public Builder cpuTime(Duration cpuTime) {
            this.cpuTime = cpuTime == null ? null : checkDuration("cpuTime", cpuTime);
            return this;
        }

        /**
         * CPU time one run may use, in milliseconds.
         *
         * @param millis between 1 and 86,400,000
         * @return this builder
         */
        public Builder cpuTimeMillis(long millis) {
            return cpuTime(Duration.ofMillis(millis));
        }

        /**
         * The limits.
         *
         * @return immutable limits
         */
        public Limits build() {
            return new Limits(this);
        }

        private static long checkRange(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + formatBytes(min) + " and "
                        + formatBytes(max) + ", got " + value + " bytes");
            }
            return value;
        }
    }
}
