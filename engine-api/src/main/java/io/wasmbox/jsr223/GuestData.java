package io.wasmbox.jsr223;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.spi.Json;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What of a Java value put into Bindings reaches the guest: plain data only. Strings, numbers, booleans,
 * characters, enums (their name), records (their components), maps, collections, arrays and Jackson trees, nested up to {@value
 * #MAX_DEPTH} levels and without cycles, become a JSON tree; anything else (a {@code File}, a {@code
 * Runtime}, a {@code Class}, a logger, a JMeter context...) is refused: it stays on the Java side of the
 * Bindings and the guest never sees it. No getter of such an object is ever called.
 */
final class GuestData {
    static final int MAX_DEPTH = 100;
    private static final JsonNodeFactory NODES = Json.nodes();

    private GuestData() {}

    /** The value as JSON, or null when it is not plain data. */
    static JsonNode toGuest(Object value) {
        return convert(value, 0, null);
    }

    private static JsonNode convert(Object value, int depth, Set<Object> active) {
        if (value == null) return NODES.nullNode();
        if (value instanceof JsonNode node) return node;
        if (value instanceof String s) return NODES.textNode(s);
        if (value instanceof Boolean b) return NODES.booleanNode(b);
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double d) return NODES.numberNode(d);
        if (value instanceof Float f) return NODES.numberNode(f.doubleValue());
        if (value instanceof BigInteger big) return NODES.numberNode(big);
        if (value instanceof BigDecimal dec) return NODES.numberNode(dec);
        if (value instanceof Character c) return NODES.textNode(c.toString());
        if (value instanceof CharSequence cs) return NODES.textNode(cs.toString());
        if (value instanceof Enum<?> e) return NODES.textNode(e.name());
        if (depth >= MAX_DEPTH || value instanceof WasmboxBindings) return null; // a live scope is not data
        boolean record = value instanceof Record;
        boolean container = record
                || value instanceof Map<?, ?>
                || value instanceof Collection<?>
                || value.getClass().isArray();
        if (!container) return null;
        Set<Object> seen = active != null ? active : Collections.newSetFromMap(new IdentityHashMap<>());
        if (!seen.add(value)) return null; // a cycle is not data
        try {
            if (record) {
                ObjectNode object = NODES.objectNode();
                for (RecordComponent c : value.getClass().getRecordComponents()) {
                    Object component;
                    try {
                        component = c.getAccessor().invoke(value);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null; // not accessible from here: not data the guest can have
                    }
                    JsonNode v = convert(component, depth + 1, seen);
                    if (v == null) return null;
                    object.set(c.getName(), v);
                }
                return object;
            }
            if (value instanceof Map<?, ?> map) {
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    JsonNode v = convert(e.getValue(), depth + 1, seen);
                    if (v == null) return null;
                    object.set(String.valueOf(e.getKey()), v);
                }
                return object;
            }
            ArrayNode array = NODES.arrayNode();
            if (value instanceof Collection<?> collection) {
                for (Object element : collection) {
                    JsonNode v = convert(element, depth + 1, seen);
                    if (v == null) return null;
                    array.add(v);
                }
                return array;
            }
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                JsonNode v = convert(Array.get(value, i), depth + 1, seen);
                if (v == null) return null;
                array.add(v);
            }
            return array;
        } finally {
            seen.remove(value);
        }
    }
}
