package io.wasmbox.plugins;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.PluginStatusProvider;

/**
 * Which plugins are disabled, kept in memory: the host never writes PF4J's {@code disabled.txt} into
 * the plugin directories (they may be read-only), so a restart gives every plugin a fresh chance.
 */
final class MemoryPluginStatusProvider implements PluginStatusProvider {
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();

    @Override
    public boolean isPluginDisabled(String pluginId) {
        return disabled.contains(pluginId);
    }

    @Override
    public void disablePlugin(String pluginId) {
        disabled.add(pluginId);
    }

    @Override
    public void enablePlugin(String pluginId) {
        disabled.remove(pluginId);
    }
}
