package io.wasmbox.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TransformSession.Builder#lookup}: the same answers from a table copied into the guest and from one served by the host. */
class TransformLookupTest {
    private static final String JS = """
            const atSetUp = name('a');
            function transform(r) {
              const v = name(r.key);
              if (v !== null && typeof v === 'object') v.changed = true;
              return { v, atSetUp, again: name(r.key), none: name(), leaked: typeof __wasmbox_lookups !== 'undefined' };
            }
            """;
    private static final String PYTHON = """
            at_set_up = name('a')
            def transform(r):
                v = name(r['key'])
                if isinstance(v, dict):
                    v['changed'] = True
                return {'v': v, 'atSetUp': at_set_up, 'again': name(r['key']), 'none': name(),
                        'leaked': '__wasmbox_lookups' in globals()}
            """;

    @ParameterizedTest(name = "{0}, {1} table")
    @CsvSource({"javascript, small", "javascript, large", "typescript, small", "python, small", "python, large"})
    void aLookupAnswersTheSameInTheGuestAndOnTheHost(String language, String size) {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("a", "Alpha");
        table.put("42", "forty-two");
        table.put("true", "yes");
        table.put("obj", Map.of("x", 1));
        table.put("nothing", null);
        if (size.equals("large")) {
            // past the 1 MiB of JSON copied into the sandbox: served by a host function instead
            for (int i = 0; i < 40_000; i++) table.put("padding-" + i, "value number " + i);
            assertThat(TransformJson.write(table).length()).isGreaterThan(GuestLookups.MAX_TABLE_CHARS);
        }
        try (TransformSession s = TransformSession.builder()
                .language(language)
                .script(language.equals("python") ? PYTHON : JS)
                .lookup("name", table)
                .build()
                .open()) {
            List<TransformSession.Result> results = s.applyBatch(List.of(
                    record("\"a\""),
                    record("42"),
                    record("true"),
                    record("\"obj\""),
                    record("\"zz\""),
                    record("\"nothing\"")));
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.error()).isTrue());
            assertThat(results.get(0).value().get("v").asText()).isEqualTo("Alpha");
            assertThat(results.get(0).value().get("atSetUp").asText())
                    .as("the lookup is there while the script's own run defines things")
                    .isEqualTo("Alpha");
            assertThat(results.get(1).value().get("v").asText())
                    .as("a number key as text")
                    .isEqualTo("forty-two");
            assertThat(results.get(2).value().get("v").asText())
                    .as("a boolean key as JSON")
                    .isEqualTo("yes");
            JsonNode obj = results.get(3).value();
            assertThat(obj.get("v")).isEqualTo(TransformJson.toTree(Map.of("x", 1, "changed", true)));
            assertThat(obj.get("again"))
                    .as("a changed object value does not change the table")
                    .isEqualTo(TransformJson.toTree(Map.of("x", 1)));
            assertThat(results.get(4).value().get("v").isNull())
                    .as("an absent key")
                    .isTrue();
            assertThat(results.get(5).value().get("v").isNull())
                    .as("a null value")
                    .isTrue();
            assertThat(results).allSatisfy(r -> {
                assertThat(r.value().get("none").isNull()).as("no argument").isTrue();
                assertThat(r.value().get("leaked").asBoolean())
                        .as("the tables' carrier global is gone")
                        .isFalse();
            });
        }
    }

    @Test
    void aLookupNameMustBeAPlainIdentifier() {
        assertThatThrownBy(() -> TransformSession.builder().lookup("rate; x", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lookup name must be a plain identifier");
    }

    private static JsonNode record(String keyJson) {
        return TransformJson.parse("{\"key\": " + keyJson + "}");
    }
}
