package io.wasmbox.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.transform.TransformJson;
import java.util.Map;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The record contract: a Connect record as the guest sees it, {@code {topic, partition, offset, timestamp,
 * key, value, headers}}, and the guest's answer applied back. Schemaless keys and values (maps, lists,
 * strings, numbers, booleans) cross as they are; values with a schema ({@code Struct}s and the rest) go
 * through connect-json's {@code JsonConverter} without its envelope. Output values are schemaless.
 */
final class RecordJson {
    private StructJson structs; // made on the first record with a schema

    ObjectNode toJson(ConnectRecord<?> record) {
        ObjectNode o = TransformJson.nodes().objectNode();
        o.put("topic", record.topic());
        if (record.kafkaPartition() == null) o.putNull("partition");
        else o.put("partition", record.kafkaPartition());
        if (record instanceof SinkRecord sink) o.put("offset", sink.kafkaOffset());
        else o.putNull("offset");
        if (record.timestamp() == null) o.putNull("timestamp");
        else o.put("timestamp", record.timestamp());
        o.set("key", data(record.topic(), record.keySchema(), record.key()));
        o.set("value", data(record.topic(), record.valueSchema(), record.value()));
        ObjectNode headers = o.putObject("headers");
        for (Header h : record.headers()) headers.set(h.key(), data(record.topic(), h.schema(), h.value()));
        return o;
    }

    private JsonNode data(String topic, Schema schema, Object value) {
        if (value == null) return TransformJson.nodes().nullNode();
        if (value instanceof Struct || (schema != null && needsConverter(schema))) {
            if (structs == null) structs = new StructJson();
            return structs.toJson(topic, schema != null ? schema : ((Struct) value).schema(), value);
        }
        return TransformJson.toTree(value);
    }

    /** Plain values (strings, numbers, booleans, bytes) map directly; structs, containers and logical types convert. */
    private static boolean needsConverter(Schema schema) {
        return schema.name() != null || !schema.type().isPrimitive();
    }

    /**
     * The record the guest's answer describes: fields present in {@code answer} replace the record's
     * ({@code topic}, {@code key}, {@code value}, {@code headers}, {@code timestamp}); the rest are kept.
     */
    static <R extends ConnectRecord<R>> R apply(R record, JsonNode answer) {
        if (!answer.isObject()) {
            throw new DataException("transform must return an object (the fields to replace) or null/None to drop "
                    + "the record, not " + abbreviate(answer));
        }
        String topic = record.topic();
        JsonNode t = answer.get("topic");
        if (t != null) {
            if (!t.isTextual() || t.asText().isEmpty()) {
                throw new DataException("transform returned a topic that is not a non-empty string: " + abbreviate(t));
            }
            topic = t.asText();
        }
        Schema keySchema = record.keySchema();
        Object key = record.key();
        if (answer.has("key")) {
            keySchema = null;
            key = TransformJson.toJava(answer.get("key"));
        }
        Schema valueSchema = record.valueSchema();
        Object value = record.value();
        if (answer.has("value")) {
            valueSchema = null;
            value = TransformJson.toJava(answer.get("value"));
        }
        Long timestamp = record.timestamp();
        JsonNode ts = answer.get("timestamp");
        if (ts != null) {
            if (ts.isNull()) timestamp = null;
            else if (ts.canConvertToLong() && ts.isIntegralNumber()) timestamp = ts.asLong();
            else throw new DataException("transform returned a timestamp that is not an integer: " + abbreviate(ts));
        }
        Headers headers = record.headers();
        JsonNode h = answer.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject())
                throw new DataException("transform returned headers that are not an object: " + abbreviate(h));
            headers = new ConnectHeaders();
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                headers.add(e.getKey(), TransformJson.toJava(e.getValue()), null);
            }
        } else if (h != null) {
            headers = new ConnectHeaders();
        }
        return record.newRecord(topic, record.kafkaPartition(), keySchema, key, valueSchema, value, timestamp, headers);
    }

    static String abbreviate(JsonNode node) {
        String s = TransformJson.write(node);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
