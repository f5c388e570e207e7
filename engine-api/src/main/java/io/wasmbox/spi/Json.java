package io.wasmbox.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapping every language shares: guest values cross the boundary as JSON text, and arrive
 * in Java as plain values (Map, List, Long/BigInteger, Double, String, Boolean, null).
 */
public final class Json {
    /** Shared, thread-safe mapper. Accepts NaN/Infinity, which guests may produce. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON from guest: " + e.getOriginalMessage(), e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be mapped to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Maps a Java value (anything Jackson can serialise) to a JSON tree. */
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

    public static <T> T convert(JsonNode node, Class<T> type) {
        return MAPPER.convertValue(node, type);
    }

    /** Maps a JSON tree to plain Java values; integers become Long when they fit, else BigInteger. */
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
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), toJava(e.getValue()));
                }
                return map;
            }
            default -> {
                return node.asText();
            }
        }
    }

    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }
}
