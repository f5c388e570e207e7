package io.wasmbox.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformSessionTest {
    @Test
    void perRecordCallsGlobalsAndATimeoutThatReplacesTheSandbox() {
        try (TransformSession s = TransformSession.builder()
                .language("javascript")
                .script(
                        "function test(r) { if (r.loop) for (;;) {} ; if (r.boom) throw new RangeError('no ' + r.n); return r.n * factor }")
                .function("test")
                .global("factor", 3)
                .perRecordTimeout(Duration.ofMillis(1500))
                .build()
                .open()) {
            assertThat(s.sandboxesCreated()).isEqualTo(1);
            TransformSession.Result ok = s.apply(TransformJson.parse("{\"n\": 4}"));
            assertThat(ok.ok()).isTrue();
            assertThat(ok.value().asInt()).isEqualTo(12);
            TransformSession.Result boom = s.apply(TransformJson.parse("{\"n\": 5, \"boom\": true}"));
            assertThat(boom.failure()).isEqualTo(TransformSession.Failure.GUEST_ERROR);
            assertThat(boom.error()).contains("RangeError").contains("no 5");
            assertThat(s.sandboxesCreated())
                    .as("a guest error keeps the sandbox")
                    .isEqualTo(1);
            TransformSession.Result loop = s.apply(TransformJson.parse("{\"n\": 6, \"loop\": true}"));
            assertThat(loop.failure()).isEqualTo(TransformSession.Failure.TIMEOUT);
            assertThat(s.apply(TransformJson.parse("{\"n\": 7}")).value().asInt())
                    .isEqualTo(21);
            assertThat(s.sandboxesCreated())
                    .as("the timed-out sandbox was replaced")
                    .isEqualTo(2);
        }
    }

    @Test
    void aBatchThatFailsAsAWholeIsRetriedRecordByRecord() {
        try (TransformSession s = TransformSession.builder()
                .language("python")
                .script(
                        "def transform(r):\n    if r['n'] == 2:\n        while True: pass\n    return {'n': r['n'] + 1}\n")
                .perRecordTimeout(Duration.ofMillis(1500))
                .build()) {
            List<TransformSession.Result> results = s.applyBatch(List.of(
                    TransformJson.parse("{\"n\": 1}"),
                    TransformJson.parse("{\"n\": 2}"),
                    TransformJson.parse("{\"n\": 3}")));
            assertThat(results).hasSize(3);
            assertThat(results.get(0).value()).isEqualTo(TransformJson.toTree(Map.of("n", 2)));
            assertThat(results.get(1).failure()).isEqualTo(TransformSession.Failure.TIMEOUT);
            assertThat(results.get(2).value()).isEqualTo(TransformJson.toTree(Map.of("n", 4)));
        }
    }

    @Test
    void aRecordThatRaisesFailsAloneInsideItsBatch() {
        try (TransformSession s = TransformSession.builder()
                .language("python")
                .script(
                        "def transform(r):\n    if r['n'] == 2:\n        raise ValueError('two')\n    return r['n'] * 10\n")
                .build()) {
            List<TransformSession.Result> results = s.applyBatch(List.of(
                    TransformJson.parse("{\"n\": 1}"),
                    TransformJson.parse("{\"n\": 2}"),
                    TransformJson.parse("{\"n\": 3}")));
            assertThat(results)
                    .extracting(TransformSession.Result::failure)
                    .containsExactly(null, TransformSession.Failure.GUEST_ERROR, null);
            assertThat(results.get(1).error()).isEqualTo("ValueError: two");
            assertThat(results.get(2).value().asInt()).isEqualTo(30);
            assertThat(s.sandboxesCreated())
                    .as("answered by the batch call itself, not retried record by record")
                    .isEqualTo(1);
        }
    }

    @Test
    void aScriptWithoutTheFunctionOrANonIdentifierIsRefused() {
        assertThatThrownBy(() -> TransformSession.builder()
                        .language("python")
                        .script("x = 1")
                        .build()
                        .open())
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("must define a function transform(record)");
        assertThatThrownBy(() -> TransformSession.builder().function("a; b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain identifier");
    }
}
