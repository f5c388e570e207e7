package io.wasmbox.samples.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.Wasmbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo as shipped: its three plugins, its default inputs. */
class PluginHostDemoTest {
    @Test
    void theGoodPluginsTransformTheBuggyOneIsDisabledAndTheHostCarriesOn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = PluginHostDemo.run(
                Path.of("plugins"),
                PluginHostDemo.DEFAULT_INPUTS,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(status).as(out).isZero();
        assertThat(out)
                .contains(
                        "  shout -> HELLO PLUGIN WORLD!",
                        "(shout logs: shouting 18 characters)",
                        "  titlecase -> Hello Plugin World -- for Ada",
                        "  shout -> THE HOST IS STILL ALIVE!");
        assertThat(out)
                .containsPattern(
                        "  titlecase FAILED: plugin 'titlecase@0.9.0' failed in transform\\(\\): execution"
                                + " timed out after \\d+ ms; plugin disabled: timed out: transform\\(\\) ran over its 500 ms limit");
        String afterTheHang = out.substring(out.indexOf("input: the host is still alive"));
        assertThat(afterTheHang.lines().takeWhile(l -> !l.isBlank())).noneMatch(l -> l.startsWith("  titlecase"));
        assertThat(out).containsPattern("titlecase +0\\.9\\.0 +python +DISABLED .*timed out");
        if (Wasmbox.languageForFile("main.ts").isPresent()) {
            assertThat(out).contains("  reverse -> world plugin hello").contains("host alive: 2 of 3 loaded plugins");
        } else {
            assertThat(out)
                    .contains("not loaded: reverse: plugin 'reverse'")
                    .contains("no Wasmbox language engine on the class path runs '.ts' files")
                    .contains("host alive: 1 of 2 loaded plugins still running, 1 not loaded");
        }
    }
}
