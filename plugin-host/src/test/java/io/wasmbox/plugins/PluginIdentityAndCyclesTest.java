package io.wasmbox.plugins;

import static io.wasmbox.plugins.TestPlugins.js;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmbox.HostFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;

/** A dependency cycle costs only its own plugins; a plugin cannot take another's id or its grants. */
class PluginIdentityAndCyclesTest {
    public interface Probe {
        List<String> visible(List<String> names);
    }

    private static final String PROBE =
            "function visible(names) { return names.filter(n => typeof globalThis[n] === 'function') }";
    private static final List<String> NAMES = List.of("getSecret", "log");

    @TempDir
    Path root;

    private PluginHost host;

    @AfterEach
    void close() throws InterruptedException {
        if (host == null) return;
        // on a thread of its own: with a cycle left loaded, PF4J's unloadPlugin loops for ever
        Thread closer = Thread.ofPlatform().daemon().start(host::close);
        assertThat(closer.join(Duration.ofSeconds(30)))
                .as("host.close() returned")
                .isTrue();
    }

    private PluginHost start(CapabilityPolicy policy) {
        host = PluginHost.builder()
                .pluginsRoot(root)
                .capability("getSecret", HostFunction.of(args -> "s3cr3t"))
                .capability("log", HostFunction.of(args -> null))
                .capabilityPolicy(policy)
                .build();
        host.loadPlugins();
        host.startPlugins();
        return host;
    }

    private static TestPlugins.Spec probe(String id) {
        return js(id, PROBE).property("plugin.capabilities", "getSecret, log");
    }

    private List<String> visible(String id) {
        return host.extension(Probe.class, id).orElseThrow().visible(NAMES);
    }

    private String reason(Path path) {
        return host.loadFailures().stream()
                .filter(f -> f.path().equals(path))
                .findFirst()
                .orElseThrow()
                .reason();
    }

    @Test
    void aDependencyCycleRejectsOnlyThePluginsInItAndThoseThatNeedThem() {
        Path a = probe("a").property("plugin.dependencies", "b").writeDirectory(root, "a");
        Path b = probe("b").property("plugin.dependencies", "c").writeDirectory(root, "b");
        Path c = probe("c").property("plugin.dependencies", "a").writeDirectory(root, "c");
        Path self = probe("self").property("plugin.dependencies", "self").writeDirectory(root, "self");
        Path needsA = probe("needs-a").property("plugin.dependencies", "a").writeDirectory(root, "needs-a");
        probe("lib").writeDirectory(root, "lib");
        probe("app").property("plugin.dependencies", "lib").writeDirectory(root, "app");
        probe("optional").property("plugin.dependencies", "a?").writeDirectory(root, "optional");
        start(CapabilityPolicy.grantAllRegistered());

        assertThat(host.statuses()).extracting(PluginStatus::id).containsExactly("app", "lib", "optional");
        assertThat(host.statuses()).allSatisfy(s -> assertThat(s.state()).isEqualTo(PluginState.STARTED));
        assertThat(visible("app")).containsExactly("getSecret", "log");
        assertThat(host.loadFailures()).extracting(LoadFailure::path).containsExactlyInAnyOrder(a, b, c, self, needsA);
        assertThat(reason(a))
                .isEqualTo("plugin 'a' is in a dependency cycle (a -> b -> c -> a): not loaded; plugins"
                        + " outside the cycle are not affected");
        assertThat(reason(c)).contains("plugin 'c' is in a dependency cycle (a -> b -> c -> a)");
        assertThat(reason(self)).contains("plugin 'self' is in a dependency cycle (self -> self)");
        assertThat(reason(needsA)).isEqualTo("plugin 'needs-a' needs plugin 'a', which is in a dependency cycle");
    }

    @Test
    void aReloadThatWouldCloseACycleIsRefusedAndTheOldVersionKeepsRunning() {
        probe("lib").writeDirectory(root, "lib");
        probe("app").property("plugin.dependencies", "lib").writeDirectory(root, "app");
        start(CapabilityPolicy.grantAllRegistered());
        probe("lib").property("plugin.dependencies", "app").writeDirectory(root, "lib");
        assertThatThrownBy(() -> host.reloadPlugin("lib"))
                .isInstanceOf(PluginRuntimeException.class)
                .hasMessageContaining("its new dependencies close a dependency cycle (app -> lib -> app)");
        assertThat(host.statuses()).extracting(PluginStatus::state).containsOnly(PluginState.STARTED);
    }

    @Test
    void anIdDeclaredByTwoPluginsLoadsNeitherWhateverTheirNamesSort() {
        // the impostor's directory sorts first: PF4J would load it and refuse the genuine one
        Path impostor = probe("titlecase").writeDirectory(root, "a-impostor");
        Path genuine = probe("titlecase").writeDirectory(root, "titlecase");
        probe("other").writeDirectory(root, "other");
        start(CapabilityPolicy.allowList(Map.of("titlecase", List.of("getSecret"))));

        assertThat(host.status("titlecase")).isEmpty();
        assertThat(host.extensions(Probe.class)).hasSize(1);
        assertThat(host.loadFailures()).extracting(LoadFailure::path).containsExactly(impostor, genuine);
        assertThat(reason(impostor))
                .isEqualTo(impostor + ": plugin id 'titlecase' is declared by 2 plugins (" + impostor + ", " + genuine
                        + "): none of them is loaded (an id names one plugin: remove or rename the others)");
        assertThat(host.status("other").orElseThrow().state()).isEqualTo(PluginState.STARTED);

        // once the impostor is gone, the genuine one loads with its grants
        TestPlugins.deleteRecursively(impostor);
        assertThat(host.loadNewPlugins()).containsExactly("titlecase");
        assertThat(visible("titlecase")).containsExactly("getSecret");
        assertThat(host.loadFailures()).isEmpty();
    }

    @Test
    void aNewcomerCannotTakeTheIdOfALoadedPlugin() {
        probe("titlecase").writeDirectory(root, "titlecase");
        start(CapabilityPolicy.allowList(Map.of("titlecase", List.of("getSecret"))));
        Path impostor = probe("titlecase").writeDirectory(root, "a-impostor");

        assertThat(host.loadNewPlugins()).isEmpty();
        assertThat(reason(impostor))
                .isEqualTo(impostor + ": plugin id 'titlecase' is already taken by the loaded plugin at "
                        + root.resolve("titlecase") + ": not loaded (a plugin cannot take another plugin's id)");
        assertThatThrownBy(() -> host.loadPlugin(impostor))
                .isInstanceOf(PluginRuntimeException.class)
                .hasMessageContaining("is already taken by the loaded plugin");
        assertThat(host.status("titlecase").orElseThrow().path()).isEqualTo(root.resolve("titlecase"));
        assertThat(visible("titlecase")).containsExactly("getSecret");
    }

    @Test
    void grantsBoundToTheLocationGoToTheInstalledPluginNotToAnIdClaim() {
        Path installed = probe("titlecase").writeDirectory(root, "titlecase");
        // not installed: the real "reporter" plugin; an impostor claims its id from another directory
        probe("reporter").writeDirectory(root, "downloads-reporter");
        start(CapabilityPolicy.allowListByLocation(
                Map.of(installed, List.of("getSecret"), root.resolve("reporter"), List.of("getSecret", "log"))));

        assertThat(visible("titlecase")).containsExactly("getSecret");
        assertThat(visible("reporter")).as("an id claim gets nothing").isEmpty();
        assertThat(host.status("reporter").orElseThrow().deniedCapabilities()).containsExactly("getSecret", "log");
    }

    @Test
    void grantsBoundToTheZipsSha256GoToThatArchiveOnly() throws Exception {
        Path reviewed = probe("reviewed").writeZip(root, "reviewed.zip");
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(reviewed)));
        // the same id and code, one byte different in the descriptor: another archive
        probe("tampered").property("plugin.description", "x").writeZip(root, "tampered.zip");
        probe("dir").writeDirectory(root, "dir");
        start(CapabilityPolicy.allowListBySha256(Map.of(sha256.toUpperCase(), List.of("log"))));

        assertThat(visible("reviewed")).containsExactly("log");
        assertThat(host.status("reviewed").orElseThrow().sha256()).isEqualTo(sha256);
        assertThat(host.status("dir").orElseThrow().sha256()).isNull();
        assertThat(visible("tampered")).isEmpty();
        assertThat(visible("dir")).isEmpty();
        assertThatThrownBy(() -> CapabilityPolicy.allowListBySha256(Map.of("abc", List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a SHA-256");
    }
}
