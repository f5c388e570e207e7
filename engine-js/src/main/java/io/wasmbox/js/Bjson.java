package io.wasmbox.js;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON data in QuickJS's binary object format ({@code JS_WriteObject}'s output without bytecode or object
 * references, {@code BC_VERSION} 5 of QuickJS 2025-09-13), which {@code QTS_bjson_decode} turns into
 * JavaScript values without parsing text: an invoke's arguments cross this way. In the guest, JSON.parse
 * of a 250-byte record costs ~17 µs (its number and string scanning run as compiled WebAssembly on the
 * JVM); reading the same record in this form is a few copies.
 *
 * <p>Layout: the version byte, the atom table (every object key once, as a string: the reader makes
 * canonical numeric keys integer atoms, as JSON.parse does), then the value. A value the text path would
 * write differently (a non-finite double, binary or POJO nodes) is not encoded: {@link #array} says so
 * and the caller sends JSON text.
 */
final class Bjson {
    private static final int VERSION = 5;
    private static final int TAG_NULL = 1;
    private static final int TAG_FALSE = 3;
    private static final int TAG_TRUE = 4;
    private static final int TAG_INT32 = 5;
    private static final int TAG_FLOAT64 = 6;
    private static final int TAG_STRING = 7;
    private static final int TAG_OBJECT = 8;
    private static final int TAG_ARRAY = 9;
    /** Deeper data goes as JSON text (whose writer and the guest's parser have their own limits). */
    private static final int MAX_DEPTH = 1000;

    private byte[] out = new byte[256];
    private int size;
    private final Map<String, Integer> atoms = new HashMap<>();
    private String[] atomTable = new String[16];

    private Bjson() {}

    /** {@code values} as one JavaScript array, or null when one of them is not plain JSON data. */
    static byte[] array(List<JsonNode> values) {
        Bjson w = new Bjson();
        w.u8(TAG_ARRAY);
        w.leb(values.size());
        for (JsonNode v : values) {
            if (!w.value(v, 0)) return null;
        }
        return w.finish();
    }

    private boolean value(JsonNode v, int depth) {
        if (depth > MAX_DEPTH) return false;
        switch (v.getNodeType()) {
            case NULL -> u8(TAG_NULL);
            case BOOLEAN -> u8(v.booleanValue() ? TAG_TRUE : TAG_FALSE);
            case STRING -> {
                u8(TAG_STRING);
                string(v.textValue());
            }
            case NUMBER -> {
                if (v.isInt() || v.isShort()) {
                    int32(v.intValue());
                } else if (v.isFloat()) {
                    return false; // the text path writes Float.toString's shorter digits
                } else {
                    double d = v.doubleValue(); // correctly rounded, as the guest's JSON.parse of the text is
                    if (!Double.isFinite(d)) return false; // the text path writes these as strings
                    if (d == (int) d && (d != 0 || 1 / d > 0)) int32((int) d);
                    else float64(d);
                }
            }
            case ARRAY -> {
                u8(TAG_ARRAY);
                leb(v.size());
                for (JsonNode item : v) {
                    if (!value(item, depth + 1)) return false;
                }
            }
            case OBJECT -> {
                u8(TAG_OBJECT);
                leb(v.size());
                for (Map.Entry<String, JsonNode> field : v.properties()) {
                    leb(atom(field.getKey()) << 1); // even: an index into the atom table, not an integer key
                    if (!value(field.getValue(), depth + 1)) return false;
                }
            }
            default -> {
                return false; // binary, POJO, missing: as the JSON text path writes them
            }
        }
        return true;
    }

    /** The key's reference: its index in the atom table plus the reader's first atom (1). */
    private int atom(String key) {
        Integer index = atoms.get(key);
        if (index != null) return index;
        int n = atoms.size();
        if (n == atomTable.length) atomTable = Arrays.copyOf(atomTable, n * 2);
        atomTable[n] = key;
        atoms.put(key, n + 1);
        return n + 1;
    }

    private byte[] finish() {
        byte[] body = Arrays.copyOf(out, size);
        out = new byte[64 + 16 * atoms.size()];
        size = 0;
        u8(VERSION);
        leb(atoms.size());
        for (int i = 0; i < atoms.size(); i++) string(atomTable[i]);
        byte[] all = Arrays.copyOf(out, size + body.length);
        System.arraycopy(body, 0, all, size, body.length);
        return all;
    }

    /** JS_WriteString: length and width, then Latin-1 bytes or UTF-16LE code units. */
    private void string(String s) {
        int n = s.length();
        boolean wide = false;
        for (int i = 0; i < n && !wide; i++) wide = s.charAt(i) > 0xFF;
        leb((n << 1) | (wide ? 1 : 0));
        room(wide ? 2 * n : n);
        if (wide) {
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                out[size++] = (byte) c;
                out[size++] = (byte) (c >> 8);
            }
        } else {
            for (int i = 0; i < n; i++) out[size++] = (byte) s.charAt(i);
        }
    }

    private void int32(int v) {
        u8(TAG_INT32);
        leb((v << 1) ^ (v >> 31)); // sleb128 as QuickJS writes it: zigzag, then leb128
    }

    private void float64(double d) {
        u8(TAG_FLOAT64);
        long bits = Double.doubleToRawLongBits(d);
        room(8);
        for (int i = 0; i < 8; i++) out[size++] = (byte) (bits >>> (8 * i));
    }

    private void leb(int v) {
        room(5);
        while ((v & ~0x7F) != 0) {
            out[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[size++] = (byte) v;
    }

    private void u8(int v) {
        room(1);
        out[size++] = (byte) v;
    }

    private void room(int n) {
        if (size + n > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
    }
}
