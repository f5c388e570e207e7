package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.wasmbox.plugins.PluginHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pf4j.PluginState;

/**
 * The plugin-archive family: each {@link PluginArchiveCases} case is loaded in this JVM (the hostile
 * plugins are listed with their reasons, the honest plugin starts and answers, the host lock is free
 * afterwards), and all of them once more in a JVM with a 64 MiB heap, where reading any of those files
 * whole would end in OutOfMemoryError.
 */
class PluginArchiveCasesTest {
    /** The forked JVM's heap: the largest hostile file here inflates to 512 MiB. */
    static final String SMALL_HEAP = "-Xmx64m";

    public interface Transformer {
        String transform(String text);
    }

    static List<PluginArchiveCases.PluginCase> pluginArchives() {
        return PluginArchiveCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pluginArchives")
    void pluginArchives(PluginArchiveCases.PluginCase c, @TempDir Path work) throws Exception {
        PluginHost host = PluginArchiveProbe.load(c, work);
        Thread closer = null;
        try {
            assertThat(PluginArchiveProbe.problems(c, host, work)).isEmpty();
            host.startPlugins();
            if (c.loaded().contains(PluginArchiveCases.HONEST_ID)) {
                assertThat(host.status(PluginArchiveCases.HONEST_ID)
                                .orElseThrow()
                                .state())
                        .isEqualTo(PluginState.STARTED);
                assertThat(host.extension(Transformer.class, PluginArchiveCases.HONEST_ID)
                                .orElseThrow()
                                .transform("x"))
                        .isEqualTo("x!");
            }
            // the host lock is free: status reads and new loads do not wait behind a stuck read
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                host.statuses();
                host.loadNewPlugins();
            });
        } finally {
            closer = Thread.ofPlatform().daemon().start(host::close);
            assertThat(closer.join(Duration.ofSeconds(30)))
                    .as("host.close() returned")
                    .isTrue();
        }
    }

    @Test
    void everyCaseLoadsInAJvmWithA64MiBHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                SMALL_HEAP,
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                PluginArchiveProbe.class.getName()));
        Path log = Files.createTempFile("plugin-archive-probe", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        byte[] out = Files.readAllBytes(log);
        Files.delete(log);
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError").contains("done, max heap");
        for (PluginArchiveCases.PluginCase c : PluginArchiveCases.all())
            assertThat(output).contains("ok " + c + "\n");
    }
}
