package io.wasmbox.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.transform.TransformJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Connect data with a schema, as plain JSON: connect-json's converter without its schema envelope. Only bytes
 * cross between it and this plugin, so the worker's Jackson (the converter's) and the plugin's never meet.
 * A class of its own so that connect-json is loaded only when a record has a schema.
 */
final class StructJson {
    private final JsonConverter converter = new JsonConverter();

    StructJson() {
        converter.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
    }

    JsonNode toJson(String topic, Schema schema, Object value) {
        byte[] bytes = converter.fromConnectData(topic, schema, value);
        return bytes == null
                ? TransformJson.nodes().nullNode()
                : TransformJson.parse(new String(bytes, StandardCharsets.UTF_8));
    }
}
