package io.wasmbox.plugins;

import static io.wasmbox.plugins.TestPlugins.plugin;
import static io.wasmbox.plugins.TestPlugins.python;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;

/** Broken plugins are reported with what is wrong, and never keep the others from loading. */
class MalformedPluginTest {
    private static final String OK = "def transform(t):\n    return t\n";

    @TempDir
    Path root;

    static Stream<Arguments> brokenPlugins() {
        return Stream.of(
                Arguments.of("missing id", plugin(null, "1.0.0").file("main.py", OK), "plugin.id is missing"),
                Arguments.of("bad id", plugin("a b", "1.0.0").file("main.py", OK), "plugin.id 'a b' may hold only"),
                Arguments.of("missing version", plugin("p", null).file("main.py", OK), "plugin.version is missing"),
                Arguments.of(
                        "bad version",
                        plugin("p", "one").file("main.py", OK),
                        "plugin.version 'one' is not a semantic version"),
                Arguments.of(
                        "java class", python("p", OK).property("plugin.class", "x.Y"), "plugin.class is not supported"),
                Arguments.of(
                        "unknown limit",
                        python("p", OK).property("plugin.limits.cpu", "2"),
                        "unknown limit plugin.limits.cpu"),
                Arguments.of(
                        "bad size",
                        python("p", OK).property("plugin.limits.memory", "lots"),
                        "plugin.limits.memory: 'lots' is not a size"),
                Arguments.of(
                        "size out of range",
                        python("p", OK).property("plugin.limits.memory", "9g"),
                        "plugin.limits.memory: memory must be between"),
                Arguments.of(
                        "bad timeout",
                        python("p", OK).property("plugin.limits.timeout", "soon"),
                        "plugin.limits.timeout: 'soon' is not a duration"),
                Arguments.of(
                        "bad rate",
                        python("p", OK).property("plugin.limits.callsPerSecond", "-1"),
                        "plugin.limits.callsPerSecond: '-1' is not a positive number"),
                Arguments.of(
                        "bad capability",
                        python("p", OK).property("plugin.capabilities", "get-user"),
                        "plugin.capabilities: 'get-user' is not a function name"),
                Arguments.of(
                        "script outside",
                        python("p", OK).property("plugin.script", "../x.py"),
                        "plugin.script '../x.py' must be a path inside the plugin"),
                Arguments.of(
                        "named script missing",
                        python("p", OK).property("plugin.script", "app.py"),
                        "its entry script app.py does not exist"),
                Arguments.of(
                        "no script",
                        plugin("p", "1.0.0").file("README", "hi"),
                        "no entry script: expected one of main.js, main.ts, main.py"),
                Arguments.of(
                        "two scripts",
                        python("p", OK).file("main.js", "1"),
                        "several entry scripts (main.js, main.py)"),
                Arguments.of(
                        "unknown language",
                        plugin("p", "1.0.0").file("main.rb", "1").property("plugin.script", "main.rb"),
                        "no Wasmbox language engine on the class path runs '.rb' files"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenPlugins")
    void aBrokenPluginIsReportedWithWhatIsWrongAndTheOthersLoad(String name, TestPlugins.Spec broken, String expected) {
        Path brokenDir = broken.writeDirectory(root, "broken");
        python("good", OK).writeDirectory(root, "good");
        try (PluginHost host = PluginHost.builder().pluginsRoot(root).build()) {
            host.loadPlugins();
            host.startPlugins();

            assertThat(host.loadFailures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo(brokenDir);
                assertThat(f.reason()).contains(expected).contains(brokenDir.toString());
            });
            assertThat(host.status("good").orElseThrow().state()).isEqualTo(PluginState.STARTED);
        }
        try (PluginHost host = PluginHost.builder().build()) {
            assertThatThrownBy(() -> host.loadPlugin(brokenDir))
                    .isInstanceOf(PluginRuntimeException.class)
                    .hasMessageContaining(expected);
        }
    }

    @Test
    void aDirectoryWithoutDescriptorIsNotAPlugin() throws Exception {
        Path dir = Files.createDirectories(root.resolve("loose"));
        Files.writeString(dir.resolve("main.py"), OK);
        try (PluginHost host = PluginHost.builder().pluginsRoot(root).build()) {
            host.loadPlugins();
            assertThat(host.loadFailures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.reason())
                            .contains(dir + ": no readable plugin.properties at the top of the plugin"));
        }
    }

    @Test
    void aScriptOverTheHostsCodeLimitIsRefused() {
        Path big = python("big", OK + "#" + "x".repeat(200 * 1024) + "\n").writeZip(root, "big.zip");
        try (PluginHost host = PluginHost.builder().pluginsRoot(root).build()) {
            host.loadPlugins();
            assertThat(host.loadFailures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo(big);
                assertThat(f.reason())
                        .contains("main.py is")
                        .contains("over the host's script size limit of 102400 bytes");
            });
        }
    }
}
