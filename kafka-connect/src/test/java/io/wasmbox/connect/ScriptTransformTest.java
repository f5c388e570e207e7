package io.wasmbox.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The transform and predicate on their own (the cluster tests run them inside Connect). */
class ScriptTransformTest {
    private static ScriptTransform<SinkRecord> transform(String language, String script, String... more) {
        ScriptTransform<SinkRecord> t = new ScriptTransform<>();
        Map<String, String> props = new HashMap<>(Map.of("language", language, "script", script));
        for (int i = 0; i < more.length; i += 2) props.put(more[i], more[i + 1]);
        t.configure(props);
        return t;
    }

    private static SinkRecord record(Object key, Object value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("source", "test");
        return new SinkRecord(
                "orders",
                1,
                null,
                key,
                null,
                value,
                42,
                1_700_000_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                headers);
    }

    @Test
    void jsSeesTheRecordContractAndRewritesIt() {
        try (var t = transform("javascript", """
                function transform(r) {
                  return { topic: r.topic + '-' + r.partition, key: r.key.toUpperCase(),
                           value: { ...r.value, offset: r.offset, ts: r.timestamp, src: r.headers.source, rate: rates.EUR },
                           headers: { seen: true } };
                }""", "bindings.rates", "{\"EUR\": 1.08}")) {
            SinkRecord out = t.apply(record("k1", Map.of("amount", 10)));
            assertThat(out.topic()).isEqualTo("orders-1");
            assertThat(out.kafkaPartition()).isEqualTo(1);
            assertThat(out.kafkaOffset()).isEqualTo(42);
            assertThat(out.key()).isEqualTo("K1");
            assertThat(out.keySchema()).isNull();
            assertThat(out.value())
                    .isEqualTo(Map.of(
                            "amount", 10L, "offset", 42L, "ts", 1_700_000_000_000L, "src", "test", "rate", 1.08));
            assertThat(out.headers().lastWithName("seen").value()).isEqualTo(true);
            assertThat(out.headers().lastWithName("source")).isNull();
        }
    }

    @Test
    void pythonDropsKeepsAndReadsStructs() {
        try (var t = transform("python", """
                def transform(r):
                    if r["value"]["n"] == 0:
                        return None
                    return {"value": {"double": r["value"]["n"] * 2, "name": r["value"]["name"]}}
                """)) {
            Schema schema = SchemaBuilder.struct()
                    .field("n", Schema.INT32_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .build();
            SinkRecord zero = new SinkRecord(
                    "orders",
                    0,
                    null,
                    null,
                    schema,
                    new Struct(schema).put("n", 0).put("name", "a"),
                    1);
            assertThat(t.apply(zero)).isNull();
            SinkRecord two = new SinkRecord(
                    "orders",
                    0,
                    Schema.STRING_SCHEMA,
                    "k",
                    schema,
                    new Struct(schema).put("n", 2).put("name", "b"),
                    2);
            SinkRecord out = t.apply(two);
            assertThat(out.value()).isEqualTo(Map.of("double", 4L, "name", "b"));
            assertThat(out.valueSchema()).isNull();
            assertThat(out.key()).isEqualTo("k");
            assertThat(out.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
            assertThat(out.topic()).isEqualTo("orders");
        }
    }

    @Test
    void failuresAreDataExceptionsNamingTheRecord() {
        try (var t = transform("javascript", """
                function transform(r) {
                  if (r.value.mode === 'throw') throw new TypeError('bad record ' + r.value.id);
                  if (r.value.mode === 'loop') for (;;) {}
                  if (r.value.mode === 'number') return 7;
                  return { value: { ok: r.value.id } };
                }""", "limits.timeout", "1500ms")) {
            assertThatThrownBy(() -> t.apply(record(null, Map.of("mode", "throw", "id", 5))))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("topic=orders partition=1 offset=42")
                    .hasMessageContaining("TypeError: bad record 5");
            assertThatThrownBy(() -> t.apply(record(null, Map.of("mode", "loop", "id", 6))))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("offset=42")
                    .hasMessageContaining("timed out")
                    .hasMessageContaining("TIMEOUT");
            assertThatThrownBy(() -> t.apply(record(null, Map.of("mode", "number", "id", 7))))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("must return an object");
            // the sandbox discarded by the timeout was replaced: the next record goes through
            assertThat(t.apply(record(null, Map.of("mode", "ok", "id", 8))).value())
                    .isEqualTo(Map.of("ok", 8L));
            assertThat(t.session().sandboxesCreated()).isEqualTo(2);
        }
    }

    @Test
    void memoryCapIsADataException() {
        try (var t = transform("python", """
                def transform(r):
                    return {"value": len("x" * (200 * 1024 * 1024))}
                """, "limits.memory", "48m")) {
            assertThatThrownBy(() -> t.apply(record(null, Map.of())))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("offset=42")
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("MemoryError", "memory limit"));
        }
    }

    @Test
    void predicateAndTypeScriptAndSourceRecords() {
        ScriptPredicate<SourceRecord> p = new ScriptPredicate<>();
        p.configure(Map.of(
                "language",
                "typescript",
                "script",
                "function test(r: { value: { amount: number } }): boolean { return r.value.amount > 100 }"));
        try {
            SourceRecord big = new SourceRecord(null, null, "orders", 0, null, Map.of("amount", 500));
            SourceRecord small = new SourceRecord(null, null, "orders", 0, null, Map.of("amount", 5));
            assertThat(p.test(big)).isTrue();
            assertThat(p.test(small)).isFalse();
            assertThat(p.version()).isNotBlank().isNotEqualTo("unknown");
        } finally {
            p.close();
        }
        ScriptPredicate<SinkRecord> notBoolean = new ScriptPredicate<>();
        notBoolean.configure(Map.of("language", "python", "script", "def test(r):\n    return 'yes'\n"));
        try {
            assertThatThrownBy(() -> notBoolean.test(record(null, List.of(1))))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("test must return a boolean");
        } finally {
            notBoolean.close();
        }
    }
}
