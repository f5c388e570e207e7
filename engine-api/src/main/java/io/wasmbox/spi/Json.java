package io.wasmbox.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapping every language shares: guest values cross the boundary as JSON text, and arrive
 * in Java as plain values (Map, List, Long/BigInteger, Double, String, Boolean, null). For language
 * modules only: Jackson stays inside Wasmbox, and applications bring their own mapper.
 *
 * <p>Thread-safe: the mapper is configured once and never changed.
 */
public final class Json {
    /** Shared, thread-safe, never reconfigured. Accepts NaN/Infinity, which guests may produce. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /**
     * Parses JSON text from a guest.
     *
     * @param json JSON text
     * @return its tree
     * @throws IllegalArgumentException if it is not JSON
     */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON from guest: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value (a tree or anything Jackson can serialise) as JSON text.
     *
     * @param value the value
     * @return JSON text
     * @throws IllegalArgumentException if the value has no JSON form
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be mapped to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Maps a Java value (anything Jackson can serialise) to a JSON tree.
     *
     * @param value the value; null is JSON null
     * @return its tree
     */
    public static JsonNode toTree(Object value) {
        if (value == null) return NullNode.getInstance();
        if (value instanceof JsonNode node) return node;
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a " + value.getClass().getName() + " cannot be mapped to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Converts a JSON tree or a plain Java value to {@code type}, as Jackson maps JSON to it.
     *
     * @param value a tree or a plain value
     * @param type the target type
     * @param <T> the target type
     * @return the converted value
     */
    public static <T> T convert(Object value, Class<T> type) {
        return MAPPER.convertValue(value, type);
    }

    /**
     * Converts a JSON tree to a generic Java type (a method's generic return type, say).
     *
     * @param node the tree
     * @param type the target type
     * @return the converted value
     */
    public static Object convertToType(JsonNode node, Type type) {
        return MAPPER.convertValue(node, MAPPER.getTypeFactory().constructType(type));
    }

    /**
     * Maps a JSON tree to plain Java values; integers become Long when they fit, else BigInteger.
     *
     * @param node the tree; null and missing nodes are null
     * @return Map, List, Long/BigInteger, Double, String, Boolean or null
     */
    public static Object toJava(JsonNode node) {
        if (node == null) return null;
        switch (node.getNodeType()) {
            case NULL, MISSING -> {
                return null;
            }
            case BOOLEAN -> {
                return node.booleanValue();
            }
            case STRING -> {
                return node.textValue();
            }
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    BigInteger big = node.bigIntegerValue();
                    return big.bitLength() < 64 ? (Object) big.longValue() : big;
                }
                return node.doubleValue();
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) list.add(toJava(element));
                return list;
            }
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) map.put(e.getKey(), toJava(e.getValue()));
                return map;
            }
            default -> {
                return node.asText();
            }
        }
    }

    /**
     * The node factory, for building trees.
     *
     * @return the shared factory
     */
    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }
}
