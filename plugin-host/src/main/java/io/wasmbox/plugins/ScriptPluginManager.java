package io.wasmbox.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.pf4j.AbstractPluginManager;
import org.pf4j.DefaultVersionManager;
import org.pf4j.DependencyResolver;
import org.pf4j.ExtensionFactory;
import org.pf4j.ExtensionFinder;
import org.pf4j.PluginAlreadyLoadedException;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.pf4j.VersionManager;

/**
 * PF4J's plugin manager with script-plugin components: descriptors from {@code plugin.properties}
 * ({@link ScriptPluginDescriptorFinder}), directories and zips read in place ({@link
 * ScriptPluginRepository}, {@link ScriptPluginLoader}), a class loader that loads nothing ({@link
 * ScriptClassLoader}), plugin instances that own a sandbox ({@link ScriptPlugin}) and proxy extensions
 * ({@link ScriptExtensionFinder}). Dependency resolution, ordering, states and versions are PF4J's own.
 *
 * <p>Like PF4J's managers it is not thread-safe: {@link PluginHost} serialises every use of it.
 */
final class ScriptPluginManager extends AbstractPluginManager {
    private final PluginHost host;

    ScriptPluginManager(PluginHost host, List<Path> roots) {
        this.host = host; // set before super(), whose initialize() calls the create* methods below
        super(roots);
        setSystemVersion(host.settings().systemVersion());
        // a plugin with a missing dependency is reported and skipped, not a reason to stop loading the others
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    PluginHost host() {
        return host;
    }

    // ---- PF4J components ------------------------------------------------------------------------

    @Override
    protected PluginRepository createPluginRepository() {
        return new ScriptPluginRepository(getPluginsRoots());
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ScriptPluginDescriptorFinder();
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new ScriptPluginLoader(() -> host.settings().ceiling().maxCodeBytes());
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return wrapper -> {
            if (!(wrapper.getPluginClassLoader() instanceof ScriptClassLoader loader)) {
                throw new PluginRuntimeException(
                        "plugin '{}' was not loaded as a script plugin", wrapper.getPluginId());
            }
            ScriptPlugin plugin = new ScriptPlugin(wrapper, loader.script(), host.settings(), host::disableMisbehaving);
            host.created(plugin);
            return plugin;
        };
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        return new ScriptExtensionFinder(this);
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        return ScriptExtensionFinder.NO_FACTORY;
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new MemoryPluginStatusProvider();
    }

    @Override
    protected VersionManager createVersionManager() {
        return new DefaultVersionManager();
    }

    /** No roots unless the host names some (PF4J would fall back to ./plugins). */
    @Override
    protected List<Path> createPluginsRoot() {
        return List.of();
    }

    @Override
    protected boolean unloadPlugin(String pluginId, boolean unloadDependents, boolean resolveDependencies) {
        boolean unloaded = super.unloadPlugin(pluginId, unloadDependents, resolveDependencies);
        if (unloaded) host.unloaded(pluginId);
        return unloaded;
    }

    /**
     * PF4J's loadPlugins, except that a plugin that cannot be loaded is recorded (with a one-line warning)
     * rather than logged with a stack trace: a broken plugin is the plugin's problem, not the host's.
     */
    @Override
    public void loadPlugins() {
        loadNewPaths(pluginRepository.getPluginPaths());
    }

    /**
     * Loads the paths that are not loaded yet and resolves; returns the ids that loaded and resolved.
     *
     * <p>An id is one plugin's: when several of these paths declare the same id, none of them loads (which
     * one came first would be up to file names, and the winner would get that id's capability grants); a
     * path declaring the id of a plugin already loaded is refused (see {@link #validatePluginDescriptor}).
     */
    List<String> loadNewPaths(List<Path> paths) {
        rejectedInCycle.clear();
        List<Path> fresh = paths.stream().filter(p -> idForPath(p) == null).toList();
        Map<String, List<Path>> claims = new LinkedHashMap<>();
        for (Path path : fresh) {
            try {
                claims.computeIfAbsent(getPluginDescriptorFinder().find(path).getPluginId(), k -> new ArrayList<>())
                        .add(path);
            } catch (RuntimeException e) {
                // reported when it is loaded below
            }
        }
        Set<Path> refused = new HashSet<>();
        claims.forEach((id, claimants) -> {
            if (claimants.size() < 2) return;
            for (Path path : claimants) {
                refused.add(path);
                host.loadFailed(
                        path,
                        path + ": plugin id '" + id + "' is declared by " + claimants.size() + " plugins ("
                                + claimants.stream().map(Path::toString).collect(Collectors.joining(", "))
                                + "): none of them is loaded (an id names one plugin: remove or rename the others)");
            }
        });
        List<String> ids = new ArrayList<>();
        for (Path path : fresh) {
            if (refused.contains(path)) continue;
            try {
                ids.add(loadPluginFromPath(path).getPluginId());
            } catch (PluginRuntimeException e) {
                // recorded by loadPluginFromPath
            }
        }
        resolvePlugins();
        ids.removeIf(id -> getPlugin(id) == null); // dropped by resolution (missing dependency, cycle)
        return ids;
    }

    /** Stops the started plugins, last started first. */
    @Override
    public void stopPlugins() {
        // PF4J 3.15's own version removes from the list it iterates (ConcurrentModificationException)
        List<PluginWrapper> started = new ArrayList<>(startedPlugins);
        Collections.reverse(started);
        for (PluginWrapper w : started) {
            if (w.getPluginState().isStarted()) stopPlugin(w.getPluginId(), false);
        }
    }

    // ---- reporting what PF4J only logs ----------------------------------------------------------

    /** The path being loaded by {@link #loadPluginFromPath}, for {@link #validatePluginDescriptor}. */
    private Path loadingPath;

    /** Loads one plugin path, recording why it could not be loaded (PF4J would only log it). */
    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        loadingPath = pluginPath;
        try {
            PluginWrapper wrapper = super.loadPluginFromPath(pluginPath);
            host.loaded(pluginPath);
            if (wrapper.getPluginState() == PluginState.DISABLED && wrapper.getFailedException() != null) {
                // PF4J says only "Plugin validation failed": say which requirement failed
                wrapper.setFailedException(new PluginRuntimeException(
                        "plugin '{}' requires host version {}, the host is {}",
                        wrapper.getPluginId(),
                        wrapper.getDescriptor().getRequires(),
                        getSystemVersion()));
            }
            return wrapper;
        } catch (PluginAlreadyLoadedException e) {
            throw e; // the path is loaded and fine: nothing to report
        } catch (PluginRuntimeException e) {
            host.loadFailed(pluginPath, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            host.loadFailed(pluginPath, e.toString());
            throw new PluginRuntimeException(e, "{}: cannot load it: {}", pluginPath, e.getMessage());
        } finally {
            loadingPath = null;
        }
    }

    /**
     * PF4J's check, plus: while loading a path, its id must not be a loaded plugin's (PF4J refuses that
     * too, after reading the script, with a message about a PF4J limitation: here it is the rule that an id
     * names one plugin, so a newcomer cannot take a running plugin's id and its grants).
     */
    @Override
    protected void validatePluginDescriptor(PluginDescriptor descriptor) {
        super.validatePluginDescriptor(descriptor);
        PluginWrapper holder = loadingPath == null ? null : plugins.get(descriptor.getPluginId());
        if (holder != null && !holder.getPluginPath().equals(loadingPath)) {
            throw new PluginRuntimeException(
                    "{}: plugin id '{}' is already taken by the loaded plugin at {}: not loaded"
                            + " (a plugin cannot take another plugin's id)",
                    loadingPath,
                    descriptor.getPluginId(),
                    holder.getPluginPath());
        }
    }

    /**
     * Rejects the plugins in a dependency cycle (PF4J would throw and resolve none), records the plugins
     * PF4J is about to drop for a missing or wrong-version dependency, then resolves the rest.
     */
    @Override
    protected DependencyResolver.Result resolveDependencies() {
        for (List<String> cycle : DependencyCycles.find(
                plugins.values().stream().map(PluginWrapper::getDescriptor).toList())) {
            String path = String.join(" -> ", cycle) + " -> " + cycle.getFirst();
            for (String id : new TreeSet<>(cycle)) {
                PluginWrapper w = plugins.get(id);
                if (w == null) continue;
                host.loadFailed(
                        w.getPluginPath(),
                        "plugin '" + id + "' is in a dependency cycle (" + path
                                + "): not loaded; plugins outside the cycle are not affected");
                rejectedInCycle.add(id);
                unloadAlone(id);
            }
        }
        List<PluginDescriptor> descriptors =
                plugins.values().stream().map(PluginWrapper::getDescriptor).toList();
        DependencyResolver.Result result = dependencyResolver.resolve(descriptors);
        for (String missing : result.getNotFoundDependencies()) {
            for (String dependent : dependencyResolver.getDependents(missing)) {
                PluginWrapper w = plugins.get(dependent);
                if (w != null) {
                    host.loadFailed(
                            w.getPluginPath(),
                            "plugin '" + dependent + "' needs plugin '" + missing + "', which "
                                    + (rejectedInCycle.contains(missing)
                                            ? "is in a dependency cycle"
                                            : "is not loaded"));
                }
            }
        }
        for (DependencyResolver.WrongDependencyVersion wrong : result.getWrongVersionDependencies()) {
            PluginWrapper w = plugins.get(wrong.getDependentId());
            if (w != null) {
                host.loadFailed(
                        w.getPluginPath(),
                        "plugin '" + wrong.getDependentId() + "' needs plugin '"
                                + wrong.getDependencyId() + "' " + wrong.getRequiredVersion() + ", found "
                                + wrong.getExistingVersion());
            }
        }
        return super.resolveDependencies();
    }

    @Override
    public String loadPlugin(Path pluginPath) {
        rejectedInCycle.clear();
        return super.loadPlugin(pluginPath);
    }

    /** Ids rejected for a dependency cycle in the current load (to say so to the plugins that need them). */
    private final Set<String> rejectedInCycle = new HashSet<>();

    /** The started dependents of {@code pluginId}, nearest first (to restart them after a reload). */
    List<String> startedDependents(String pluginId) {
        List<String> result = new ArrayList<>();
        List<String> queue = new ArrayList<>(dependencyResolver.getDependents(pluginId));
        while (!queue.isEmpty()) {
            String id = queue.removeFirst();
            PluginWrapper w = plugins.get(id);
            if (w != null && w.getPluginState().isStarted() && !result.contains(id)) {
                result.add(id);
                queue.addAll(dependencyResolver.getDependents(id));
            }
        }
        return result;
    }

    /**
     * Unloads only this plugin, without re-resolving: PF4J's public unload also unloads its dependents, and
     * resolving now would drop them for a missing dependency that a reload is about to bring back.
     */
    boolean unloadAlone(String pluginId) {
        return unloadPlugin(pluginId, false, false);
    }

    /** The descriptor of a plugin path, validated, without loading it (to check a new version before a reload). */
    PluginDescriptor inspect(Path pluginPath) {
        PluginDescriptor d = getPluginDescriptorFinder().find(pluginPath);
        validatePluginDescriptor(d);
        getPluginLoader().loadPlugin(pluginPath, d); // reads the script: fails now if it is missing or unrunnable
        return d;
    }

    List<Path> pluginPaths() {
        return pluginRepository.getPluginPaths();
    }

    String pluginIdForPath(Path path) {
        return idForPath(path);
    }
}
