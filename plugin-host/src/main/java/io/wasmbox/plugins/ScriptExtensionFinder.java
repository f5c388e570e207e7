package io.wasmbox.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.ExtensionDescriptor;
import org.pf4j.ExtensionFactory;
import org.pf4j.ExtensionFinder;
import org.pf4j.ExtensionWrapper;
import org.pf4j.PluginWrapper;

/**
 * PF4J's extension lookup for script plugins: a started plugin provides an extension of interface
 * {@code T} when its guest defines all of {@code T}'s abstract methods; the extension is an {@link
 * ExtensionProxy}. Plugins come in PF4J's start order (dependencies first). No class is scanned or
 * instantiated. Since a script declares no extension list, {@link #find(String)} knows the interfaces
 * the host has been asked about.
 */
final class ScriptExtensionFinder implements ExtensionFinder {
    private final ScriptPluginManager manager;
    private final Set<Class<?>> askedTypes = ConcurrentHashMap.newKeySet();

    ScriptExtensionFinder(ScriptPluginManager manager) {
        this.manager = manager;
    }

    @Override
    public <T> List<ExtensionWrapper<T>> find(Class<T> type) {
        return find(type, (String) null);
    }

    @Override
    public <T> List<ExtensionWrapper<T>> find(Class<T> type, String pluginId) {
        if (!type.isInterface()) return List.of(); // only interfaces can be implemented by a guest
        askedTypes.add(type);
        List<ExtensionWrapper<T>> found = new ArrayList<>();
        int ordinal = 0;
        for (PluginWrapper wrapper : new ArrayList<>(manager.getStartedPlugins())) {
            if (pluginId != null && !pluginId.equals(wrapper.getPluginId())) continue;
            if (wrapper.getPlugin() instanceof ScriptPlugin plugin && plugin.implementsType(type)) {
                found.add(new ProxyExtensionWrapper<>(
                        ordinal++, type, ExtensionProxy.create(manager.host(), plugin.id(), type)));
            }
        }
        return found;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List<ExtensionWrapper> find(String pluginId) {
        List<ExtensionWrapper> all = new ArrayList<>();
        for (Class<?> type : askedTypes) all.addAll((List) find(type, pluginId));
        return all;
    }

    @Override
    public Set<String> findClassNames(String pluginId) {
        Set<String> names = new TreeSet<>();
        for (ExtensionWrapper<?> w : find(pluginId))
            names.add(w.getDescriptor().extensionClass.getName());
        return names;
    }

    /** An extension that already exists: PF4J's factory is never asked to instantiate a class. */
    private static final class ProxyExtensionWrapper<T> extends ExtensionWrapper<T> {
        private final T extension;

        ProxyExtensionWrapper(int ordinal, Class<T> type, T extension) {
            super(new ExtensionDescriptor(ordinal, type), NO_FACTORY);
            this.extension = extension;
        }

        @Override
        public T getExtension() {
            return extension;
        }
    }

    /** Script plugins have no extension classes to instantiate. */
    static final ExtensionFactory NO_FACTORY = new ExtensionFactory() {
        @Override
        public <T> T create(Class<T> extensionClass) {
            throw new UnsupportedOperationException("script plugins provide extensions as proxies; no class of theirs"
                    + " is ever instantiated (" + extensionClass.getName() + ")");
        }
    };
}
