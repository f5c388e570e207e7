package io.wasmbox.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordTransformerTest {
    private static List<JsonNode> records(String... json) {
        List<JsonNode> list = new ArrayList<>();
        for (String j : json) list.add(TransformJson.parse(j));
        return list;
    }

    private static List<RecordTransformer.Outcome> run(RecordTransformer t, List<JsonNode> in) throws Exception {
        List<RecordTransformer.Outcome> out = new ArrayList<>();
        t.run(in.iterator(), out::add);
        return out;
    }

    @Test
    void pythonTransformWithLookupDropAndFanOut() throws Exception {
        RecordTransformer t = RecordTransformer.builder()
                .language("python")
                .threads(2)
                .batchSize(2)
                .script("""
                        def transform(r):
                            if r["n"] == 0:
                                return None
                            if r["n"] == 2:
                                return [{"n": 2, "copy": 1}, {"n": 2, "copy": 2}]
                            return {"n": r["n"], "name": name(r["code"])}
                        """)
                .lookup("name", Map.of("a", "Alpha", "b", "Beta"))
                .build();
        List<RecordTransformer.Outcome> out = run(
                t,
                records(
                        "{\"n\": 1, \"code\": \"a\"}",
                        "{\"n\": 0}",
                        "{\"n\": 2}",
                        "{\"n\": 3, \"code\": \"zzz\"}",
                        "{\"n\": 4, \"code\": \"b\"}"));
        assertThat(out).extracting(RecordTransformer.Outcome::index).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(out.get(0).output().getFirst().get("name").asText()).isEqualTo("Alpha");
        assertThat(out.get(1).output()).isEmpty();
        assertThat(out.get(2).output()).hasSize(2);
        assertThat(out.get(3).output().getFirst().get("name").isNull()).isTrue();
        assertThat(out.get(4).output().getFirst().get("name").asText()).isEqualTo("Beta");
    }

    @Test
    void javascriptTransformAndPerRecordErrors() throws Exception {
        RecordTransformer t = RecordTransformer.builder()
                .language("javascript")
                .threads(1)
                .batchSize(10)
                .script(
                        "function transform(r) { if (r.bad) throw new TypeError('bad record'); return { doubled: r.x * 2 } }")
                .build();
        List<RecordTransformer.Outcome> out = run(t, records("{\"x\": 1}", "{\"bad\": true}", "{\"x\": 5}"));
        assertThat(out.get(0).output().getFirst().get("doubled").asInt()).isEqualTo(2);
        assertThat(out.get(1).error()).isEqualTo("TypeError: bad record");
        assertThat(out.get(2).output().getFirst().get("doubled").asInt()).isEqualTo(10);
    }

    @Test
    void aRecordThatLoopsForeverFailsAloneAndTheRunGoesOn() throws Exception {
        RecordTransformer t = RecordTransformer.builder()
                .language("python")
                .threads(1)
                .batchSize(4)
                .perRecordTimeout(Duration.ofMillis(300))
                .script("def transform(r):\n    while r.get('loop'):\n        pass\n    return r")
                .build();
        List<RecordTransformer.Outcome> out =
                run(t, records("{\"a\": 1}", "{\"loop\": true}", "{\"a\": 3}", "{\"a\": 4}", "{\"a\": 5}"));
        assertThat(out).hasSize(5);
        assertThat(out.get(1).error()).contains("timed out");
        assertThat(out.stream().filter(o -> o.error() == null).count()).isEqualTo(4);
        assertThat(out.get(4).output().getFirst().get("a").asInt()).isEqualTo(5);
    }

    @Test
    void aScriptWithoutTransformIsAClearError() {
        assertThatThrownBy(() -> RecordTransformer.builder()
                        .language("python")
                        .script("x = 1")
                        .build())
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("transform(record)");
        assertThatThrownBy(() -> RecordTransformer.builder()
                        .language("javascript")
                        .script("function (")
                        .build())
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("SyntaxError");
    }
}
