package io.wasmbox.js;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON data in QuickJS's binary object format ({@code JS_WriteObject}'s output without bytecode or object
 * references, {@code BC_VERSION} 5 of QuickJS 2025-09-13), which {@code wasmbox_read_value} turns into
 * JavaScript values without parsing text: an invoke's arguments cross this way. In the guest, JSON.parse
 * of a 250-byte record costs ~17 µs (its number and string scanning run as compiled WebAssembly on the
 * JVM); reading the same record in this form is a few copies.
 *
 * <p>Results come back the same way ({@link #read}): {@code wasmbox_write_value} writes the value in C, with
 * no number formatting and no replacer called per property, and the host builds the tree the JSON text
 * would have given ({@code Json.parse} of {@code JSON.stringify}'s output: integers as BigIntegerNode, key
 * order as JavaScript enumerates it). The driver sends a value this way only when every object in it is
 * a plain object or array (so no {@code toJSON} can apply); {@link #read} refuses what the text path writes
 * differently (non-finite numbers, integers from 1e21 on, BigInt, dates, typed arrays, boxed primitives,
 * shared or circular objects, deep values), and the driver then writes JSON text as before.
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
    private static final int TAG_UNDEFINED = 2;
    private static final int TAG_ARRAY = 9;
    /** Deeper data goes as JSON text (whose writer and the guest's parser have their own limits). */
    private static final int MAX_DEPTH = 1000;

    /** Results nested deeper go as JSON text (the driver's own limit is 200). */
    static final int MAX_READ_DEPTH = 190;

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

    // ---- reading a result ------------------------------------------------------------------------------

    /** {@code JS_WriteObject}'s output for a plain value, as JSON text's tree; null when refused (see above). */
    static JsonNode read(byte[] bytes) {
        try {
            return new Reader(bytes).result();
        } catch (RuntimeException e) {
            return null; // malformed or not plain: the driver writes JSON text instead
        }
    }

    private static final class Reader {
        private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
        private static final double TWO_TO_53 = 9007199254740992d;
        private final byte[] in;
        private int at;
        private String[] atoms;

        Reader(byte[] in) {
            this.in = in;
        }

        JsonNode result() {
            if (u8() != VERSION) return null;
            atoms = new String[leb()];
            for (int i = 0; i < atoms.length; i++) atoms[i] = string();
            JsonNode value = value(0);
            return value != null && at == in.length ? value : null;
        }

        /** A value; null when refused. {@link NullNode} stands for JavaScript's null, undefined as Undefined. */
        private JsonNode value(int depth) {
            if (depth > MAX_READ_DEPTH) return null;
            int tag = u8();
            switch (tag) {
                case TAG_NULL:
                    return NullNode.getInstance();
                case TAG_UNDEFINED:
                    return UNDEFINED;
                case TAG_FALSE:
                    return BooleanNode.FALSE;
                case TAG_TRUE:
                    return BooleanNode.TRUE;
                case TAG_INT32:
                    int zigzag = leb();
                    return BigIntegerNode.valueOf(BigInteger.valueOf((zigzag >>> 1) ^ -(zigzag & 1)));
                case TAG_FLOAT64:
                    return number(Double.longBitsToDouble(u64()));
                case TAG_STRING:
                    return TextNode.valueOf(string());
                case TAG_ARRAY:
                    return array(depth);
                case TAG_OBJECT:
                    return object(depth);
                default:
                    return null; // BigInt, Date, typed arrays, boxed primitives, shared or circular objects
            }
        }

        /** As JSON.stringify writes the number and Jackson (integers as BigInteger) reads it back. */
        private static JsonNode number(double d) {
            if (!Double.isFinite(d)) return null; // the text path writes these through the driver's walk
            if (d != Math.rint(d)) return DoubleNode.valueOf(d); // shortest digits: read back as d itself
            if (Math.abs(d) >= 1e21) return null; // the driver writes these as exact digits
            if (Math.abs(d) < TWO_TO_53) return BigIntegerNode.valueOf(BigInteger.valueOf((long) d));
            // JavaScript prints the shortest digits that round-trip, then zeros: Java's Double.toString too
            return BigIntegerNode.valueOf(new BigDecimal(Double.toString(d)).toBigIntegerExact());
        }

        private JsonNode array(int depth) {
            int n = leb();
            ArrayNode array = NODES.arrayNode(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                JsonNode item = value(depth + 1);
                if (item == null) return null;
                array.add(item == UNDEFINED ? NullNode.getInstance() : item);
            }
            return array;
        }

        /** An object's properties in JavaScript's order: array indices ascending, then the rest as written. */
        private JsonNode object(int depth) {
            int n = leb();
            TreeMap<Long, JsonNode> indexed = null;
            ObjectNode rest = NODES.objectNode();
            for (int i = 0; i < n; i++) {
                int ref = leb();
                String key = (ref & 1) != 0 ? null : atoms[(ref >>> 1) - 1];
                long index = key == null ? ref >>> 1 : arrayIndex(key); // odd: an integer atom
                JsonNode value = value(depth + 1);
                if (value == null) return null;
                if (value == UNDEFINED) continue; // JSON.stringify leaves the property out
                if (index < 0) {
                    rest.set(key, value);
                } else {
                    if (indexed == null) indexed = new TreeMap<>();
                    indexed.put(index, value);
                }
            }
            if (indexed == null) return rest;
            ObjectNode object = NODES.objectNode();
            indexed.forEach((index, value) -> object.set(Long.toString(index), value));
            object.setAll(rest);
            return object;
        }

        /** The key's value when it is an array index (canonical, below 2^32 - 1), else -1. */
        private static long arrayIndex(String key) {
            int n = key.length();
            if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) return -1;
            long v = 0;
            for (int i = 0; i < n; i++) {
                char c = key.charAt(i);
                if (c < '0' || c > '9') return -1;
                v = v * 10 + (c - '0');
            }
            return v < 0xFFFFFFFFL ? v : -1;
        }

        private String string() {
            int header = leb();
            int n = header >>> 1;
            char[] chars = new char[n];
            if ((header & 1) != 0) {
                for (int i = 0; i < n; i++, at += 2) chars[i] = (char) ((in[at] & 0xFF) | (in[at + 1] & 0xFF) << 8);
            } else {
                for (int i = 0; i < n; i++) chars[i] = (char) (in[at++] & 0xFF);
            }
            return new String(chars);
        }

        private int leb() {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in[at++] & 0xFF;
                v |= (b & 0x7F) << shift;
                if (b < 0x80) return v;
                if (shift >= 28) throw new IllegalStateException("leb128 too long");
            }
        }

        private int u8() {
            return in[at++] & 0xFF;
        }

        private long u64() {
            long v = 0;
            for (int i = 0; i < 8; i++) v |= (in[at++] & 0xFFL) << (8 * i);
            return v;
        }
    }

    /** JavaScript's undefined while reading: left out of objects, null in arrays. */
    private static final JsonNode UNDEFINED = new TextNode("undefined");
}
