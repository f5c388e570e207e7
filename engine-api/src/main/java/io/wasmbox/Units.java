package io.wasmbox;

import java.time.Duration;
import java.util.Locale;

/**
 * Sizes and durations as people write them ({@code 64m}, {@code 2s}) and as messages show them ({@code
 * 64 MiB}): the parsing and formatting behind {@link Limits#fromProperties}, JSR-223 limit attributes and
 * the samples' options. Stateless and thread-safe.
 */
public final class Units {
    /** One kibibyte, 1024 bytes. */
    public static final long KIB = 1024;
    /** One mebibyte. */
    public static final long MIB = 1024 * KIB;
    /** One gibibyte. */
    public static final long GIB = 1024 * MIB;

    private Units() {}

    /**
     * Parses a size: a byte count, or a number with a {@code k}, {@code m} or {@code g} suffix (optionally
     * followed by {@code b}/{@code ib}).
     *
     * @param name what is being parsed, for the error message
     * @param value a {@link Number} (bytes) or text
     * @return bytes
     * @throws IllegalArgumentException naming {@code name} when the value is not a non-negative size
     */
    public static long parseSize(String name, Object value) {
        if (value instanceof Number n) return n.longValue();
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("ib")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("b") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2)))
            s = s.substring(0, s.length() - 1);
        switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> unit = KIB;
            case 'm' -> unit = MIB;
            case 'g' -> unit = GIB;
            default -> {}
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
     * @param value a {@link Duration}, a {@link Number} (milliseconds) or text
     * @return the duration
     * @throws IllegalArgumentException naming {@code name} when the value is not a duration
     */
    public static Duration parseDuration(String name, Object value) {
        if (value instanceof Duration d) return d;
        if (value instanceof Number n) return Duration.ofMillis(n.longValue());
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt")) return Duration.parse(s); // before the suffixes: "PT3S" ends in "s"
            if (s.endsWith("ms"))
                return Duration.ofMillis(
                        Long.parseLong(s.substring(0, s.length() - 2).trim()));
            if (s.endsWith("s"))
                return Duration.ofMillis(Math.round(
                        Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
            if (s.endsWith("m"))
                return Duration.ofSeconds(
                        Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
            return Duration.ofMillis(Long.parseLong(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    name + ": '" + value + "' is not a duration (use milliseconds or a ms/s/m suffix, e.g. 5s)");
        }
    }

    /**
     * {@code 64 MiB}, {@code 100 KiB}, {@code 123 bytes}: exact binary units when they divide evenly.
     *
     * @param bytes a byte count
     * @return the text
     */
    public static String formatBytes(long bytes) {
        if (bytes >= GIB && bytes % GIB == 0) return bytes / GIB + " GiB";
        if (bytes >= MIB && bytes % MIB == 0) return bytes / MIB + " MiB";
        if (bytes >= KIB && bytes % KIB == 0) return bytes / KIB + " KiB";
        return bytes + " bytes";
    }
}
