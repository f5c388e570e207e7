package io.wasmbox.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON mapping of records for the record-transform front ends (this module, the transform-dsl sample
 * and the Kafka Connect transform): the same settings as the guests' values (NaN and Infinity accepted,
 * big integers exact), in their own mapper, since Wasmbox's is not part of its API.
 *
 * <p>Thread-safe: the mapper is configured once and never handed out.
 */
public final class TransformJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private TransformJson() {}

    /**
     * Parses JSON text.
     *
     * @param json the text
     * @return its tree
     * @throws IllegalArgumentException if it is not JSON
     */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value as JSON text.
     *
     * @param value a tree or anything Jackson can serialise
     * @return the text
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
     * Maps a Java value to a tree.
     *
     * @param value anything Jackson can serialise; null is JSON null
     * @return its tree
     */
    public static JsonNode toTree(Object value) {
        return value == null ? MAPPER.getNodeFactory().nullNode() : MAPPER.valueToTree(value);
    }

    /**
     * Maps a tree to plain Java values (Map, List, Long/BigInteger, Double, String, Boolean, null).
     *
     * @param node the tree
     * @return the value
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
     * Reads a JSON object into a map.
     *
     * @param json the text of an object
     * @return the map
     * @throws IllegalArgumentException if it is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(String json) {
        Object value = toJava(parse(json));
        if (!(value instanceof Map<?, ?> map)) throw new IllegalArgumentException("not a JSON object: " + json);
        return (Map<String, Object>) map;
    }

    /**
     * A reader of JSON trees, e.g. for a stream of JSON Lines ({@code readValues}).
     *
     * @return an immutable reader
     */
    public static ObjectReader treeReader() {
        return MAPPER.readerFor(JsonNode.class);
    }

    /**
     * The node factory, for building trees.
     *
     * @return the factory
     */
    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }
}
