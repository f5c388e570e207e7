package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
    @Test
    void defaults() {
        ServiceConfig c = ServiceConfig.defaults();
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.maxTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.defaultMemoryMiB()).isEqualTo(128);
        assertThat(c.maxConcurrent()).isGreaterThanOrEqualTo(2);
        assertThat(c.auditLog()).isNotNull();
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        ServiceConfig c = ServiceConfig.parse(
                new String[] {"--port", "9001", "--max-memory=512m", "--audit-log", "off"},
                Map.of("PORT", "7000", "WASMBOX_MAX_TIMEOUT", "45s", "WASMBOX_QUEUE_SIZE", "3"));
        assertThat(c.port()).isEqualTo(9001);
        assertThat(c.maxMemoryMiB()).isEqualTo(512);
        assertThat(c.maxTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.queueSize()).isEqualTo(3);
        assertThat(c.auditLog()).isNull();
        assertThat(ServiceConfig.parse(new String[0], Map.of("PORT", "7000")).port())
                .isEqualTo(7000);
        assertThat(ServiceConfig.parse(new String[0], Map.of("WASMBOX_PORT", "7001"))
                        .port())
                .isEqualTo(7001);
        assertThat(ServiceConfig.parse(new String[] {"--trust-proxy", "10.0.0.1, 192.168.0.0/16"}, Map.of())
                        .trustedProxies())
                .containsExactly("10.0.0.1", "192.168.0.0/16");
        assertThat(ServiceConfig.parse(new String[0], Map.of("WASMBOX_TRUST_PROXY", "false"))
                        .trustedProxies())
                .isEmpty();
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--port", "x"}, Map.of()))
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--nope", "1"}, Map.of()))
                .hasMessageContaining("unknown option --nope");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--default-timeout", "60s"}, Map.of()))
                .hasMessageContaining("--default-timeout");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--max-memory", "8g"}, Map.of()))
                .hasMessageContaining("--max-memory");
        assertThatThrownBy(
                        () -> ServiceConfig.parse(new String[] {"--batch-max", "100", "--queue-size", "2"}, Map.of()))
                .hasMessageContaining("--batch-max");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        // a bare --trust-proxy (or true) would let any client forge its address: the proxies must be named
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--trust-proxy", "true"}, Map.of()))
                .hasMessageContaining("--trust-proxy takes the addresses");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--trust-proxy", "proxy.example.org"}, Map.of()))
                .hasMessageContaining("--trust-proxy")
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--trust-proxy", "10.0.0.0/33"}, Map.of()))
                .hasMessageContaining("bad prefix length");
        assertThatThrownBy(
                        () -> ServiceConfig.parse(new String[] {"--public-origin", "https://x.example/path"}, Map.of()))
                .hasMessageContaining("--public-origin");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--api-keys-file", "/nonexistent/keys"}, Map.of()))
                .hasMessageContaining("--api-keys-file");
        assertThatThrownBy(
                        () -> ServiceConfig.parse(new String[] {"--client-share", "1", "--batch-max", "4"}, Map.of()))
                .hasMessageContaining("--client-share");
    }

    @Test
    void helpListsEveryOptionAndItsVariable() {
        String help = ServiceConfig.help();
        for (ServiceConfig.Option o : ServiceConfig.OPTIONS)
            assertThat(help).contains(o.flag()).contains(o.env());
    }

    @Test
    void apiKeysComeFromAFileAndTheEnvironmentAndOnlyTheirDigestsAreKept(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# team keys\n  alpha  \n\nbeta\n");
        ServiceConfig c = ServiceConfig.parse(
                new String[] {"--api-keys-file", file.toString()}, Map.of("WASMBOX_API_KEYS", "gamma, delta"));
        assertThat(c.apiKeyHashes())
                .containsExactlyInAnyOrder(
                        Sha256.hex("alpha"), Sha256.hex("beta"), Sha256.hex("gamma"), Sha256.hex("delta"));
        assertThat(ServiceConfig.defaults().apiKeyHashes()).isEmpty();
        Files.writeString(file, "# only a comment\n");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--api-keys-file", file.toString()}, Map.of()))
                .hasMessageContaining("holds no key");
        assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--api-keys-file", dir.toString()}, Map.of()))
                .hasMessageContaining("not a regular file");
    }
}
