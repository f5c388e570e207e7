package io.wasmbox.plugins;

/**
 * The class loader PF4J keeps for a script plugin. It defines no class and finds no class or resource of
 * the plugin (a {@code .class} or jar shipped in a plugin is never read); lookups go to the host's own
 * loader only. It carries the plugin's script, the one thing a script plugin does bring.
 */
final class ScriptClassLoader extends ClassLoader {
    private final String pluginId;
    private final PluginScript script;

    ScriptClassLoader(String pluginId, PluginScript script) {
        super("wasmbox-plugin-" + pluginId, ScriptClassLoader.class.getClassLoader());
        this.pluginId = pluginId;
        this.script = script;
    }

    PluginScript script() {
        return script;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        throw new ClassNotFoundException(name + ": script plugin '" + pluginId + "' has no Java classes");
    }
}
