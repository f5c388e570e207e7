package io.wasmbox.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptConfigTest {
    private static ScriptConfig config(Map<String, String> props) {
        return new ScriptConfig(ScriptTransform.CONFIG_DEF, props);
    }

    private static Map<String, String> js(String... more) {
        Map<String, String> m =
                new HashMap<>(Map.of("language", "javascript", "script", "function transform(r) { return r }"));
        for (int i = 0; i < more.length; i += 2) m.put(more[i], more[i + 1]);
        return m;
    }

    /** The message Connect's validate endpoint would show for one key. */
    private static List<String> errors(Map<String, String> props, String key) {
        return ScriptTransform.CONFIG_DEF.validate(props).stream()
                .filter(v -> v.name().equals(key))
                .findFirst()
                .map(ConfigValue::errorMessages)
                .orElseThrow();
    }

    @AfterEach
    void clearCeilings() {
        System.clearProperty(ScriptConfig.MAX_MEMORY_PROPERTY);
        System.clearProperty(ScriptConfig.MAX_TIMEOUT_PROPERTY);
    }

    @Test
    void defaultsAndAliases() {
        ScriptConfig c = config(js("language", "JS"));
        assertThat(c.language()).isEqualTo("javascript");
        assertThat(c.function()).isEqualTo("transform");
        assertThat(c.memoryBytes()).isEqualTo(128L << 20);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.realtime()).isFalse();
        assertThat(new ScriptConfig(ScriptPredicate.CONFIG_DEF, js()).function())
                .isEqualTo("test");
        assertThat(config(js("language", "py")).language()).isEqualTo("python");
        assertThat(config(js("language", "ts")).language()).isEqualTo("typescript");
    }

    @Test
    void unknownLanguageIsNamed() {
        assertThatThrownBy(() -> config(js("language", "ruby")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("language")
                .hasMessageContaining("ruby")
                .hasMessageContaining("must be one of javascript, typescript, python");
        Map<String, String> none = js();
        none.remove("language");
        assertThatThrownBy(() -> config(none))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("language");
    }

    @Test
    void exactlyOneScriptSource(@TempDir Path dir) throws Exception {
        Map<String, String> none = js();
        none.remove("script");
        assertThatThrownBy(() -> config(none))
                .hasMessage(
                        "a script is required: set 'script' (inline source) or 'script.file' (a path on the worker)");
        Path file = dir.resolve("t.py");
        Files.writeString(file, "def transform(r):\n    return r\n");
        assertThatThrownBy(() -> config(js("script.file", file.toString())))
                .hasMessage("set either 'script' (inline source) or 'script.file', not both");
        Map<String, String> fromFile = js("script.file", file.toString(), "language", "python");
        fromFile.remove("script");
        ScriptConfig c = config(fromFile);
        assertThat(c.script()).contains("def transform");
        assertThat(c.fileName()).isEqualTo("t.py");
        fromFile.put("script.file", dir.resolve("missing.py").toString());
        assertThatThrownBy(() -> config(fromFile))
                .hasMessageContaining("missing.py")
                .hasMessageContaining("is not a regular file on this worker");
        Path big = dir.resolve("big.js");
        Files.writeString(big, "x".repeat(200_000));
        fromFile.put("script.file", big.toString());
        assertThatThrownBy(() -> config(fromFile)).hasMessageContaining("is larger than");
    }

    @Test
    void limitsParseAndStayUnderTheWorkerCeilings() {
        ScriptConfig c = config(js("limits.memory", "64m", "limits.timeout", "250ms"));
        assertThat(c.memoryBytes()).isEqualTo(64L << 20);
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(errors(js("limits.memory", "lots"), "limits.memory"))
                .singleElement()
                .asString()
                .contains("must be a size such as 64m or 1g");
        assertThat(errors(js("limits.timeout", "soon"), "limits.timeout"))
                .singleElement()
                .asString()
                .contains("must be a duration such as 500ms or 2s");
        assertThat(errors(js("limits.memory", "1m"), "limits.memory"))
                .singleElement()
                .asString()
                .contains("must be at least 4m");
        // defaults ceilings: 256m, 5s
        assertThatThrownBy(() -> config(js("limits.memory", "512m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "is above the worker's ceiling of 256m (system property wasmbox.connect.maxMemory)");
        assertThatThrownBy(() -> config(js("limits.timeout", "6s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "is above the worker's ceiling of 5000ms (system property wasmbox.connect.maxTimeout)");
        // the operator lowers the ceilings: connector config cannot go above them, and the defaults follow
        System.setProperty(ScriptConfig.MAX_MEMORY_PROPERTY, "32m");
        System.setProperty(ScriptConfig.MAX_TIMEOUT_PROPERTY, "200ms");
        assertThat(errors(js("limits.memory", "64m"), "limits.memory"))
                .singleElement()
                .asString()
                .contains("ceiling of 32m");
        assertThat(errors(js("limits.timeout", "1s"), "limits.timeout"))
                .singleElement()
                .asString()
                .contains("ceiling of 200ms");
        ScriptConfig lowered = config(js());
        assertThat(lowered.memoryBytes()).isEqualTo(32L << 20);
        assertThat(lowered.timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(config(js("limits.timeout", "100ms")).timeout()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void functionAndBindings() {
        assertThat(errors(js("function", "a.b()"), "function"))
                .singleElement()
                .asString()
                .contains("must be a plain identifier");
        ScriptConfig c =
                config(js("bindings.rates", "{\"EUR\": 1.08}", "bindings.region", "eu-west", "bindings.n", "3"));
        assertThat(c.bindings())
                .containsEntry("rates", Map.of("EUR", 1.08))
                .containsEntry("region", "eu-west")
                .containsEntry("n", 3L);
        assertThatThrownBy(() -> config(js("bindings.not-a-name", "1")))
                .hasMessageContaining("bindings.not-a-name")
                .hasMessageContaining("plain identifier");
    }

    @Test
    void aScriptThatCannotRunFailsInConfigure() {
        ScriptTransform<org.apache.kafka.connect.sink.SinkRecord> t = new ScriptTransform<>();
        assertThatThrownBy(() -> t.configure(js("script", "function (")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SyntaxError");
        assertThatThrownBy(() -> t.configure(js("script", "var x = 1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must define a function transform(record)");
    }
}
