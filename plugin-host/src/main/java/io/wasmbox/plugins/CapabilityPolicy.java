package io.wasmbox.plugins;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.pf4j.PluginDescriptor;

/**
 * Decides which of the host's registered capabilities (host functions) a plugin may have. A plugin gets a
 * capability only when it declared it ({@code plugin.capabilities}), the host registered it, and the
 * policy allows it; anything else is absent from its guest and the denial is logged.
 */
@FunctionalInterface
public interface CapabilityPolicy {
    /** True when {@code plugin} may have the registered capability {@code capability}. */
    boolean allows(PluginDescriptor plugin, String capability);

    /** Every plugin may have every registered capability it declares (the host's default). */
    static CapabilityPolicy grantAllRegistered() {
        return (plugin, capability) -> true;
    }

    /** No plugin gets any capability. */
    static CapabilityPolicy denyAll() {
        return (plugin, capability) -> false;
    }

    /** Each plugin id may have the listed capabilities; plugins not listed get none. */
    static CapabilityPolicy allowList(Map<String, ? extends Collection<String>> capabilitiesByPluginId) {
        Map<String, Set<String>> copy = capabilitiesByPluginId.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> Set.copyOf(Objects.requireNonNull(e.getValue(), e.getKey()))));
        return (plugin, capability) -> copy.getOrDefault(plugin.getPluginId(), Set.of()).contains(capability);
    }
}
