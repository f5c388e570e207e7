package io.wasmbox.plugins;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.pf4j.PluginDescriptor;

/**
 * Decides which of the host's registered capabilities (host functions) a plugin may have. A plugin gets a
 * capability only when it declared it ({@code plugin.capabilities}), the host registered it, and the
 * policy allows it; anything else is absent from its guest and the denial is logged.
 *
 * <p>A plugin id is whatever its {@code plugin.properties} says, so a policy keyed by id trusts the plugin
 * to tell the truth: the host refuses an id declared by two plugins (both) or by a newcomer when a loaded
 * plugin has it, but a plugin may still take the id of one that is not installed. {@link
 * #allowListByLocation} and {@link #allowListBySha256} bind grants to what the plugin cannot choose: the
 * directory or zip the operator installed, or the zip's hash.
 */
@FunctionalInterface
public interface CapabilityPolicy {
    /** True when {@code plugin} may have the registered capability {@code capability}. */
    boolean allows(PluginDescriptor plugin, String capability);

    /**
     * True when {@code plugin}, found at {@code source}, may have {@code capability}. The host calls this
     * one; by default it asks {@link #allows(PluginDescriptor, String)}.
     */
    default boolean allows(PluginDescriptor plugin, PluginSource source, String capability) {
        return allows(plugin, capability);
    }

    /** Every plugin may have every registered capability it declares (the host's default). */
    static CapabilityPolicy grantAllRegistered() {
        return (plugin, capability) -> true;
    }

    /** No plugin gets any capability. */
    static CapabilityPolicy denyAll() {
        return (plugin, capability) -> false;
    }

    /**
     * Each plugin id may have the listed capabilities; plugins not listed get none. The id is the plugin's
     * own claim (see above): prefer {@link #allowListByLocation} or {@link #allowListBySha256} for grants
     * that matter.
     */
    static CapabilityPolicy allowList(Map<String, ? extends Collection<String>> capabilitiesByPluginId) {
        Map<String, Set<String>> copy = capabilitiesByPluginId.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> Set.copyOf(Objects.requireNonNull(e.getValue(), e.getKey()))));
        return (plugin, capability) ->
                copy.getOrDefault(plugin.getPluginId(), Set.of()).contains(capability);
    }

    /**
     * The plugin installed at each directory or zip path may have the listed capabilities, whatever id it
     * declares; plugins elsewhere get none. Paths are compared absolute and normalised (symbolic links
     * are not resolved).
     */
    static CapabilityPolicy allowListByLocation(Map<Path, ? extends Collection<String>> capabilitiesByPath) {
        Map<Path, Set<String>> copy = capabilitiesByPath.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        e -> e.getKey().toAbsolutePath().normalize(),
                        e -> Set.copyOf(
                                Objects.requireNonNull(e.getValue(), e.getKey().toString()))));
        return new CapabilityPolicy() {
            @Override
            public boolean allows(PluginDescriptor plugin, String capability) {
                return false; // no location, no grant
            }

            @Override
            public boolean allows(PluginDescriptor plugin, PluginSource source, String capability) {
                return source != null
                        && source.path() != null
                        && copy.getOrDefault(source.path().toAbsolutePath().normalize(), Set.of())
                                .contains(capability);
            }
        };
    }

    /**
     * The plugin zip with each SHA-256 (hex, as {@code sha256sum} prints it) may have the listed
     * capabilities, whatever id it declares and wherever it is; directories and other zips get none.
     */
    static CapabilityPolicy allowListBySha256(Map<String, ? extends Collection<String>> capabilitiesBySha256) {
        Map<String, Set<String>> copy = capabilitiesBySha256.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        e -> checkSha256(e.getKey()),
                        e -> Set.copyOf(Objects.requireNonNull(e.getValue(), e.getKey()))));
        return new CapabilityPolicy() {
            @Override
            public boolean allows(PluginDescriptor plugin, String capability) {
                return false; // no hash, no grant
            }

            @Override
            public boolean allows(PluginDescriptor plugin, PluginSource source, String capability) {
                return source != null
                        && source.sha256() != null
                        && copy.getOrDefault(source.sha256(), Set.of()).contains(capability);
            }
        };
    }

    private static String checkSha256(String hex) {
        String h = Objects.requireNonNull(hex, "sha256").trim().toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 in hex: " + hex);
        return h;
    }
}
