package io.wasmbox.js;

import java.util.Arrays;

/**
 * The {@code mappings} of a version 3 source map with a single source, decoded for lookups from a
 * position in the generated JavaScript to the position in the TypeScript it came from.
 */
final class SourceMapLines {
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final int[] DIGITS = new int[128];

    static {
        Arrays.fill(DIGITS, -1);
        for (int i = 0; i < BASE64.length(); i++) DIGITS[BASE64.charAt(i)] = i;
    }

    /** Per generated line: {generated column, source line, source column} triples, columns ascending. */
    private final int[][] lines;

    /** @throws IllegalArgumentException if {@code mappings} is not valid VLQ */
    SourceMapLines(String mappings) {
        int lineCount = 1;
        for (int i = 0; i < mappings.length(); i++) if (mappings.charAt(i) == ';') lineCount++;
        lines = new int[lineCount][];
        int[] current = new int[12];
        int n = 0;
        int line = 0;
        int generatedColumn = 0;
        int sourceLine = 0;
        int sourceColumn = 0;
        int[] fields = new int[5];
        int i = 0;
        int length = mappings.length();
        while (true) {
            if (i >= length || mappings.charAt(i) == ';') {
                lines[line++] = Arrays.copyOf(current, n);
                n = 0;
                generatedColumn = 0;
                if (i >= length) break;
                i++;
                continue;
            }
            if (mappings.charAt(i) == ',') {
                i++;
                continue;
            }
            int count = 0;
            while (i < length && mappings.charAt(i) != ',' && mappings.charAt(i) != ';') {
                int value = 0;
                int shift = 0;
                int digit;
                do {
                    char c = i < length ? mappings.charAt(i++) : '?';
                    digit = c < 128 ? DIGITS[c] : -1;
                    if (digit < 0 || shift > 30) throw new IllegalArgumentException("invalid source map mappings");
                    value += (digit & 31) << shift;
                    shift += 5;
                } while ((digit & 32) != 0);
                if (count < fields.length) fields[count] = (value & 1) != 0 ? -(value >>> 1) : value >>> 1;
                count++;
            }
            generatedColumn += fields[0];
            if (count >= 4) { // field 1 (the source index) is always 0: one source
                sourceLine += fields[2];
                sourceColumn += fields[3];
                if (n + 3 > current.length) current = Arrays.copyOf(current, current.length * 2);
                current[n++] = generatedColumn;
                current[n++] = sourceLine;
                current[n++] = sourceColumn;
            }
        }
    }

    /**
     * The source position of a generated one: the last mapping at or before it on its line, else the
     * nearest mapped line above it (a position past the end of the output maps to the last mapping).
     *
     * @param line 1-based generated line
     * @param column 0-based generated column
     * @return {1-based source line, 0-based source column}, or null when nothing at or above it is mapped
     */
    int[] map(int line, int column) {
        if (line < 1) return null;
        for (int l = Math.min(line, lines.length) - 1; l >= 0; l--) {
            int[] segments = lines[l];
            if (segments.length == 0) continue;
            int best = 0;
            if (l == line - 1) {
                for (int k = 0; k < segments.length; k += 3) if (segments[k] <= column) best = k;
            } else {
                best = segments.length - 3;
            }
            return new int[] {segments[best + 1] + 1, segments[best + 2]};
        }
        return null;
    }

    /** Rough size in bytes, for the transpile cache's budget. */
    long weight() {
        long w = 16L * lines.length;
        for (int[] l : lines) w += 4L * l.length;
        return w;
    }
}
