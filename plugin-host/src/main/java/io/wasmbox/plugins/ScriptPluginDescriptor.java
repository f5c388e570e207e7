package io.wasmbox.plugins;

import java.time.Duration;
import java.util.List;
import org.pf4j.DefaultPluginDescriptor;

/**
 * PF4J's descriptor plus what a script plugin declares: its entry script, the limits it asks for and the
 * host capabilities it wants. Filled by {@link ScriptPluginDescriptorFinder}.
 */
final class ScriptPluginDescriptor extends DefaultPluginDescriptor {
    private String script;
    private DeclaredLimits limits = DeclaredLimits.NONE;
    private List<String> capabilities = List.of();
    private String sha256;

    /** The entry script named by {@code plugin.script}, or null to look for {@code main.*}. */
    String script() {
        return script;
    }

    DeclaredLimits limits() {
        return limits;
    }

    List<String> capabilities() {
        return capabilities;
    }

    /** The SHA-256 of the plugin's zip file when it was read, hex; null for a directory. */
    String sha256() {
        return sha256;
    }

    void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    void setScript(String script) {
        this.script = script;
    }

    void setLimits(DeclaredLimits limits) {
        this.limits = limits;
    }

    void setCapabilities(List<String> capabilities) {
        this.capabilities = List.copyOf(capabilities);
    }

    /** Limits a plugin declared; null where it declared nothing (it then gets the host's ceiling). */
    record DeclaredLimits(Long memoryBytes, Duration timeout, Long maxOutputBytes, Double callsPerSecond) {
        static final DeclaredLimits NONE = new DeclaredLimits(null, null, null, null);
    }
}
