package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitsTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        Limits d = Limits.defaults();
        assertThat(d.memoryBytes()).isEqualTo(128 * Units.MIB);
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.maxOutputBytes()).isEqualTo(Units.MIB);
        assertThat(d.maxCodeBytes()).isEqualTo(100 * Units.KIB);
        assertThat(d.maxStdinBytes()).isEqualTo(Units.MIB);
        assertThat(d.cpuTime()).isNull();
    }

    @Test
    void cpuTimeIsOptionalRangeCheckedAndReadFromProperties() {
        Limits l = Limits.builder().cpuTimeMillis(250).build();
        assertThat(l.cpuTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(l.toBuilder().build()).isEqualTo(l);
        assertThat(l).isNotEqualTo(Limits.defaults());
        assertThat(l.toString()).contains("cpuTime=250 ms");
        assertThat(l.toBuilder().cpuTime(null).build()).isEqualTo(Limits.defaults());
        assertThatThrownBy(() -> Limits.builder().cpuTime(Duration.ZERO)).hasMessageContaining("cpuTime");
        assertThatThrownBy(() -> Limits.builder().cpuTime(Duration.ofDays(2))).hasMessageContaining("24 h");
        assertThat(Limits.fromProperties(Map.of("wasmbox.cpuTime", "1.5s")::get, Limits.defaults())
                        .cpuTime())
                .isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheirNameAndRange() {
        assertThatThrownBy(() -> Limits.builder().timeout(Duration.ZERO))
                .hasMessageContaining("timeout")
                .hasMessageContaining("1 ms");
        assertThatThrownBy(() -> Limits.builder().timeout(Duration.ofDays(2))).hasMessageContaining("24 h");
        assertThatThrownBy(() -> Limits.builder().timeoutMillis(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.builder().maxOutputBytes(-1)).hasMessageContaining("maxOutput");
        assertThatThrownBy(() -> Limits.builder().maxCodeBytes(0)).hasMessageContaining("maxCode");
        assertThatThrownBy(() -> Limits.builder().maxStdinBytes(Long.MAX_VALUE)).hasMessageContaining("maxStdin");
        assertThatThrownBy(() -> Limits.builder().memoryBytes(5 * Units.GIB)).hasMessageContaining("4 GiB");
        assertThatThrownBy(() -> Limits.builder().memoryMiB(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.builder().memoryMiB(Long.MIN_VALUE + 64))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.builder().timeout(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("24 h");
    }

    @Test
    void propertiesParseSizesAndDurations() {
        Map<String, Object> props = Map.of(
                "wasmbox.memory",
                "64m",
                "wasmbox.timeout",
                "1.5s",
                "wasmbox.maxOutput",
                "10k",
                "wasmbox.maxCode",
                2048,
                "wasmbox.maxStdin",
                "1MiB");
        Limits l = Limits.fromProperties(props::get, Limits.defaults());
        assertThat(l.memoryBytes()).isEqualTo(64 * Units.MIB);
        assertThat(l.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(l.maxOutputBytes()).isEqualTo(10 * Units.KIB);
        assertThat(l.maxCodeBytes()).isEqualTo(2048);
        assertThat(l.maxStdinBytes()).isEqualTo(Units.MIB);
        assertThat(Limits.fromProperties(Map.of("wasmbox.timeout", "250ms")::get, l)
                        .timeout())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(Limits.fromProperties(Map.of("wasmbox.timeout", "2m")::get, l)
                        .timeout())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(Limits.fromProperties(Map.of("wasmbox.timeout", 700)::get, l).timeout())
                .isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void unparsablePropertiesNameTheProperty() {
        assertThatThrownBy(() -> Limits.fromProperties(Map.of("wasmbox.memory", "lots")::get, Limits.defaults()))
                .hasMessageContaining("wasmbox.memory")
                .hasMessageContaining("not a size");
        assertThatThrownBy(() -> Limits.fromProperties(Map.of("wasmbox.timeout", "soon")::get, Limits.defaults()))
                .hasMessageContaining("wasmbox.timeout")
                .hasMessageContaining("not a duration");
        assertThatThrownBy(
                        () -> Limits.fromProperties(Map.of("wasmbox.memory", "99999999999g")::get, Limits.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
