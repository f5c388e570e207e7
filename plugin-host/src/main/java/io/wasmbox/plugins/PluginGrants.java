package io.wasmbox.plugins;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Which capabilities a plugin gets: those it declared that the host offers and the policy allows; the
 * others are denied, each with a log line. Immutable.
 *
 * @param granted the host functions bound in the plugin's sandbox
 * @param denied the declared ones it does not get
 */
record PluginGrants(List<String> granted, List<String> denied) {
    private static final Logger LOG = System.getLogger(PluginGrants.class.getName());

    PluginGrants {
        granted = List.copyOf(granted);
        denied = List.copyOf(denied);
    }

    static PluginGrants decide(
            ScriptPluginDescriptor descriptor, PluginSource source, HostSettings settings, String label) {
        List<String> granted = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        for (String name : descriptor.capabilities()) {
            if (!settings.capabilities().containsKey(name)) {
                denied.add(name);
                LOG.log(
                        Level.WARNING,
                        "plugin ''{0}'' asks for capability ''{1}'', which the host does not offer: denied",
                        label,
                        name);
            } else if (!settings.policy().allows(descriptor, source, name)) {
                denied.add(name);
                LOG.log(
                        Level.WARNING,
                        "plugin ''{0}'' asks for capability ''{1}'': denied by the capability policy",
                        label,
                        name);
            } else {
                granted.add(name);
            }
        }
        return new PluginGrants(granted, denied);
    }
}
