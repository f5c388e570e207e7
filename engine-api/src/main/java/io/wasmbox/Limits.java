package io.wasmbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Resource limits of a {@link Sandbox}. Immutable; build with {@link #builder()}.
 *
 * <p>Every value is range-checked when set, so an out-of-range limit fails where it is written, with a
 * message naming the limit, the value and the allowed range.
 */
public final class Limits {
    public static final long KIB = 1024;
    public static final long MIB = 1024 * KIB;
    public static final long GIB = 1024 * MIB;

    /** wasm32 can address at most 4 GiB of linear memory. */
    public static final long MAX_MEMORY_BYTES = 4 * GIB;
    public static final long MIN_MEMORY_BYTES = 1 * MIB;
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    public static final long MAX_OUTPUT_BYTES = 1 * GIB;
    public static final long MAX_CODE_BYTES = 64 * MIB;
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

    /** The defaults: 128 MiB memory, 10 s timeout, 1 MiB output, 100 KiB code, 1 MiB stdin. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .memoryBytes(memoryBytes)
                .timeout(timeout)
                .maxOutputBytes(maxOutputBytes)
                .maxCodeBytes(maxCodeBytes)
                .maxStdinBytes(maxStdinBytes)
                .cpuTime(cpuTime);
    }

    /** Hard cap on the guest's linear memory. */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Wall-clock time one run may take before it is stopped. */
    public Duration timeout() {
        return timeout;
    }

    /** Combined cap on stdout and stderr of one run; output beyond it is cut and flagged. */
    public long maxOutputBytes() {
        return maxOutputBytes;
    }

    /** Cap on the UTF-8 size of the code (and prelude) of one run. */
    public long maxCodeBytes() {
        return maxCodeBytes;
    }

    /** Cap on the UTF-8 size of the stdin of one run. */
    public long maxStdinBytes() {
        return maxStdinBytes;
    }

    /**
     * CPU time the guest thread may use in one run before it is stopped, or null for no CPU-time limit
     * (the default: the wall-clock {@link #timeout()} still applies). Measured from the guest thread's CPU
     * time, so time spent waiting (for a host function's I/O, for a CPU the machine gives to others) does
     * not count.
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

    /** The defaults, overridden by the {@code wasmbox.*} system properties. */
    public static Limits fromSystemProperties() {
        return fromProperties(System::getProperty, DEFAULTS);
    }

    public static final String MEMORY_PROPERTY = "wasmbox.memory";
    public static final String TIMEOUT_PROPERTY = "wasmbox.timeout";
    public static final String MAX_OUTPUT_PROPERTY = "wasmbox.maxOutput";
    public static final String MAX_CODE_PROPERTY = "wasmbox.maxCode";
    public static final String MAX_STDIN_PROPERTY = "wasmbox.maxStdin";
    public static final String CPU_TIME_PROPERTY = "wasmbox.cpuTime";

    /**
     * Parses a size: a byte count, or a number with a {@code k}, {@code m} or {@code g} suffix (optionally
     * followed by {@code b}/{@code ib}).
     *
     * @param name what is being parsed, for the error message
     * @throws IllegalArgumentException naming {@code name} when the value is not a non-negative size
     */
    public static long parseSize(String name, Object value) {
        if (value instanceof Number n) return n.longValue();
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("ib")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("b") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) s = s.substring(0, s.length() - 1);
        switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> unit = KIB;
            case 'm' -> unit = MIB;
            case 'g' -> unit = GIB;
            default -> { }
        }
        if (unit != 1) s = s.substring(0, s.length() - 1).trim();
        try {
            long size = Math.multiplyExact(Long.parseLong(s), unit);
            if (size < 0) throw new NumberFormatException("negative");
            return size;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    name + ": '" + value + "' is not a size (use bytes or a k/m/g suffix, e.g. 64m)");
        }
    }

    /**
     * Parses a duration: milliseconds, or a number with a {@code ms}, {@code s} or {@code m} suffix, or ISO-8601.
     *
     * @param name what is being parsed, for the error message
     * @throws IllegalArgumentException naming {@code name} when the value is not a duration
     */
    public static Duration parseDuration(String name, Object value) {
        if (value instanceof Duration d) return d;
        if (value instanceof Number n) return Duration.ofMillis(n.longValue());
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            if (s.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
            if (s.endsWith("m")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
            if (s.startsWith("pt")) return Duration.parse(s);
            return Duration.ofMillis(Long.parseLong(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    name + ": '" + value + "' is not a duration (use milliseconds or a ms/s/m suffix, e.g. 5s)");
        }
    }

    /** {@code 64 MiB}, {@code 100 KiB}, {@code 123 bytes}: exact binary units when they divide evenly. */
    public static String formatBytes(long bytes) {
        if (bytes >= GIB && bytes % GIB == 0) return bytes / GIB + " GiB";
        if (bytes >= MIB && bytes % MIB == 0) return bytes / MIB + " MiB";
        if (bytes >= KIB && bytes % KIB == 0) return bytes / KIB + " KiB";
        return bytes + " bytes";
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

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = checkRange("memory", bytes, MIN_MEMORY_BYTES, MAX_MEMORY_BYTES);
            return this;
        }

        public Builder memoryMiB(long mebibytes) {
            if (mebibytes < 0 || mebibytes > MAX_MEMORY_BYTES / MIB) {
                throw new IllegalArgumentException("memory must be between " + formatBytes(MIN_MEMORY_BYTES) + " and "
                        + formatBytes(MAX_MEMORY_BYTES) + ", got " + mebibytes + " MiB");
            }
            return memoryBytes(mebibytes * MIB);
        }

        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException("timeout must be between " + MIN_TIMEOUT.toMillis() + " ms and "
                        + MAX_TIMEOUT.toHours() + " h, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder timeoutMillis(long millis) {
            return timeout(Duration.ofMillis(millis));
        }

        public Builder maxOutputBytes(long bytes) {
            this.maxOutputBytes = checkRange("maxOutput", bytes, 0, MAX_OUTPUT_BYTES);
            return this;
        }

        public Builder maxCodeBytes(long bytes) {
            this.maxCodeBytes = checkRange("maxCode", bytes, 1, MAX_CODE_BYTES);
            return this;
        }

        public Builder maxStdinBytes(long bytes) {
            this.maxStdinBytes = checkRange("maxStdin", bytes, 0, MAX_STDIN_BYTES);
            return this;
        }

        /** CPU time one run may use (same range as the timeout), or null for none. */
        public Builder cpuTime(Duration cpuTime) {
            if (cpuTime != null && (cpuTime.compareTo(MIN_TIMEOUT) < 0 || cpuTime.compareTo(MAX_TIMEOUT) > 0)) {
                throw new IllegalArgumentException("cpuTime must be between " + MIN_TIMEOUT.toMillis() + " ms and "
                        + MAX_TIMEOUT.toHours() + " h, got " + cpuTime);
            }
            this.cpuTime = cpuTime;
            return this;
        }

        public Builder cpuTimeMillis(long millis) {
            return cpuTime(Duration.ofMillis(millis));
        }

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
