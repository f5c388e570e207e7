package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernels' settings: the token (given, from the environment, or generated as Jupyter does), caps, limits. */
class JupyterSettingsTest {
    @Test
    void withoutATokenOneIsGeneratedAndDiffersEachTime() {
        ServiceConfig.Kernels a = ServiceConfig.parse(new String[0], Map.of()).kernels();
        ServiceConfig.Kernels b = ServiceConfig.parse(new String[0], Map.of()).kernels();
        assertThat(a.tokenGenerated()).isTrue();
        assertThat(a.token()).matches("[0-9a-f]{48}");
        assertThat(a.token()).isNotEqualTo(b.token());
        assertThat(a.toString()).doesNotContain(a.token());
    }

    @Test
    void theTokenComesFromTheFlagOrTheEnvironment() {
        ServiceConfig.Kernels flag = ServiceConfig.parse(
                        new String[] {"--token", "abc"}, Map.of("WASMBOX_TOKEN", "env"))
                .kernels();
        assertThat(flag.token()).isEqualTo("abc");
        assertThat(flag.tokenGenerated()).isFalse();
        assertThat(ServiceConfig.parse(new String[0], Map.of("WASMBOX_TOKEN", "env"))
                        .kernels()
                        .token())
                .isEqualTo("env");
    }

    @Test
    void kernelLimitsDefaultToTheServiceLimits() {
        ServiceConfig c =
                ServiceConfig.parse(new String[] {"--max-timeout", "12s", "--default-memory", "64m"}, Map.of());
        assertThat(c.kernels().cellTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(c.kernels().memoryMiB()).isEqualTo(64);
        assertThat(c.kernels().idleTimeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(c.kernels().max()).isEqualTo(32);
        assertThat(c.kernels().perClient()).isEqualTo(8);
        ServiceConfig.Kernels k = ServiceConfig.parse(
                        new String[] {
                            "--kernel-cell-timeout",
                            "2s",
                            "--kernel-memory",
                            "40m",
                            "--kernel-idle-timeout",
                            "0",
                            "--max-kernels",
                            "3",
                            "--max-kernels-per-client",
                            "1"
                        },
                        Map.of())
                .kernels();
        assertThat(k.cellTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(k.memoryMiB()).isEqualTo(40);
        assertThat(k.idleTimeout()).isZero();
        assertThat(k.max()).isEqualTo(3);
        assertThat(k.perClient()).isEqualTo(1);
        assertThat(ServiceConfig.help()).contains("--token", "WASMBOX_TOKEN", "--max-kernels", "--kernel-idle-timeout");
    }

    @Test
    void badKernelSettingsAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--max-kernels", "0"}, Map.of()))
                .hasMessageContaining("--max-kernels");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--kernel-memory", "8g"}, Map.of()))
                .hasMessageContaining("--kernel-memory");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--kernel-cell-timeout", "soon"}, Map.of()))
                .hasMessageContaining("--kernel-cell-timeout");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--token", "x".repeat(600)}, Map.of()))
                .hasMessageContaining("--token");
    }
}
