package io.wasmbox.plugins;

import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.PluginNotFoundException;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStateListener;
import org.pf4j.PluginWrapper;

/**
 * Hosts plugins written in JavaScript, TypeScript or Python, each in its own Wasmbox sandbox, on PF4J.
 *
 * <p>A plugin is a directory or a zip holding PF4J's {@code plugin.properties} and an entry script
 * ({@code main.js}, {@code main.ts}, {@code main.py}, or {@code plugin.script=...}); no Java code of a
 * plugin is ever loaded. The product declares extension points as Java interfaces and gets each started
 * plugin's implementation with {@link #extensions(Class)}: a proxy calling the guest's functions.
 *
 * <pre>{@code
 * try (PluginHost host = PluginHost.builder()
 *         .pluginsRoot(Path.of("plugins"))
 *         .capability("getUser", HostFunction.of(args -> users.find(args.getFirst())))
 *         .ceiling(Limits.builder().memoryMiB(64).timeout(Duration.ofSeconds(1)).build())
 *         .build()) {
 *     host.loadPlugins();
 *     host.startPlugins();
 *     for (TextTransformer t : host.extensions(TextTransformer.class)) text = t.transform(text);
 * }
 * }</pre>
 *
 * <p>Thread-safe: lifecycle operations are serialised on the host; calls into different plugins run in
 * parallel, calls into one plugin are serialised (see {@link PluginCallException} for failures and
 * {@link PluginUnavailableException} for refused calls). Host functions given as capabilities must not
 * call back into the host.
 */
public final class PluginHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PluginHost.class.getName());

    private final HostSettings settings;
    private final Object lock = new Object();
    private final ScriptPluginManager manager;
    /** The plugin instance of every loaded plugin that has one, readable without the lock (call path). */
    private final Map<String, ScriptPlugin> plugins = new ConcurrentHashMap<>();

    private final Map<Path, String> loadFailures = new ConcurrentHashMap<>();

    private PluginHost(HostSettings settings) {
        this.settings = settings;
        this.manager = new ScriptPluginManager(this, settings.roots());
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- loading and lifecycle ------------------------------------------------------------------

    /**
     * Loads every plugin in the plugin roots and resolves their dependencies. A plugin that cannot be
     * loaded is skipped and listed in {@link #loadFailures()}; the others load. So is each plugin in a
     * dependency cycle (only those, and the plugins that need them), and every plugin declaring an id that
     * another plugin in the roots declares too.
     */
    public void loadPlugins() {
        synchronized (lock) {
            forgetVanishedFailures();
            manager.loadPlugins();
        }
    }

    /** Starts every resolved, enabled plugin, dependencies first. A plugin that fails to start is FAILED, with its reason. */
    public void startPlugins() {
        synchronized (lock) {
            for (PluginWrapper w : new ArrayList<>(manager.getResolvedPlugins())) {
                PluginState state = w.getPluginState();
                if (!state.isDisabled() && !state.isStarted()) manager.startPlugin(w.getPluginId());
            }
        }
    }

    /**
     * Loads one plugin directory or zip (and resolves it).
     *
     * @return its id
     * @throws PluginRuntimeException saying what is wrong with it
     */
    public String loadPlugin(Path path) {
        synchronized (lock) {
            return manager.loadPlugin(path);
        }
    }

    /** Starts a loaded plugin (its dependencies first), enabling it if it was disabled. */
    public PluginState startPlugin(String pluginId) {
        synchronized (lock) {
            return manager.startPlugin(pluginId);
        }
    }

    /** Stops a plugin (its dependents first) and frees its sandbox. */
    public PluginState stopPlugin(String pluginId) {
        synchronized (lock) {
            return manager.stopPlugin(pluginId);
        }
    }

    /** Stops and unloads a plugin and the plugins that depend on it. */
    public boolean unloadPlugin(String pluginId) {
        synchronized (lock) {
            return manager.unloadPlugin(pluginId);
        }
    }

    /**
     * Loads the plugin again from its path (a directory or zip replaced by a new version) and starts it,
     * with the dependents that were running. The new version is checked first: when its descriptor or
     * script is broken this throws and the old version keeps running. Extension objects obtained before
     * keep working and reach the new version. Counters start again from zero.
     *
     * @return the plugin id
     */
    public String reloadPlugin(String pluginId) {
        synchronized (lock) {
            PluginWrapper old = manager.getPlugin(pluginId);
            if (old == null) throw new PluginNotFoundException(pluginId);
            Path path = old.getPluginPath();
            PluginDescriptor next;
            try {
                next = manager.inspect(path);
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "plugin ''{0}'': not reloaded, the version at {1} is broken: {2}",
                        pluginId,
                        path,
                        e.getMessage());
                throw e;
            }
            if (!next.getPluginId().equals(pluginId)) {
                throw new PluginRuntimeException(
                        "{}: now declares plugin id '{}', not '{}'; unload it and load it instead",
                        path,
                        next.getPluginId(),
                        pluginId);
            }
            List<PluginDescriptor> after = new ArrayList<>();
            for (PluginWrapper w : manager.getPlugins())
                if (!w.getPluginId().equals(pluginId)) after.add(w.getDescriptor());
            after.add(next);
            for (List<String> cycle : DependencyCycles.find(after)) {
                if (cycle.contains(pluginId)) {
                    throw new PluginRuntimeException(
                            "{}: not reloaded: its new dependencies close a dependency cycle ({} -> {})",
                            path,
                            String.join(" -> ", cycle),
                            cycle.getFirst());
                }
            }
            List<String> dependents = manager.startedDependents(pluginId);
            manager.stopPlugin(pluginId);
            if (old.getPluginState().isDisabled()) manager.enablePlugin(pluginId);
            manager.unloadAlone(pluginId);
            String id = manager.loadPlugin(path);
            manager.startPlugin(id);
            for (String dependent : dependents) manager.startPlugin(dependent);
            LOG.log(
                    Level.INFO,
                    "plugin ''{0}'' reloaded: version {1} -> {2}",
                    pluginId,
                    old.getDescriptor().getVersion(),
                    next.getVersion());
            return id;
        }
    }

    /** Loads and starts the plugins added to the plugin roots since they were last loaded; returns their ids. */
    public List<String> loadNewPlugins() {
        synchronized (lock) {
            forgetVanishedFailures();
            List<String> ids = manager.loadNewPaths(manager.pluginPaths());
            for (String id : ids) {
                if (manager.getPlugin(id) != null) manager.startPlugin(id);
            }
            return ids;
        }
    }

    /** Stops a plugin and keeps it from starting until {@link #enablePlugin} or {@link #reloadPlugin}. */
    public boolean disablePlugin(String pluginId) {
        synchronized (lock) {
            ScriptPlugin p = plugins.get(pluginId);
            if (p != null && p.running()) p.markUnavailable("disabled by the host");
            return manager.disablePlugin(pluginId);
        }
    }

    /** Enables a disabled plugin (one that misbehaved, too) and starts it, with fresh failure counts. */
    public PluginState enablePlugin(String pluginId) {
        synchronized (lock) {
            manager.enablePlugin(pluginId);
            return manager.startPlugin(pluginId);
        }
    }

    /** Stops and unloads every plugin. */
    @Override
    public void close() {
        synchronized (lock) {
            manager.stopPlugins();
            manager.unloadPlugins();
        }
    }

    // ---- extensions -----------------------------------------------------------------------------

    /**
     * The implementations of extension interface {@code type} by the started plugins, dependencies first.
     * A plugin whose guest lacks one of the interface's methods is skipped (and logged). The guest may
     * define them as global functions, or as methods of a global object named after the interface
     * ({@code TextTransformer.transform}).
     */
    public <T> List<T> extensions(Class<T> type) {
        requireInterface(type);
        synchronized (lock) {
            return manager.getExtensions(type);
        }
    }

    /** The implementation of {@code type} by one plugin, if it is started and implements it. */
    public <T> Optional<T> extension(Class<T> type, String pluginId) {
        requireInterface(type);
        synchronized (lock) {
            return manager.getExtensions(type, pluginId).stream().findFirst();
        }
    }

    /** The id of the plugin behind an extension object from this host. */
    public static Optional<String> pluginIdOf(Object extension) {
        return Optional.ofNullable(ExtensionProxy.pluginIdOf(extension));
    }

    private static void requireInterface(Class<?> type) {
        if (type == null || !type.isInterface()) {
            throw new IllegalArgumentException("an extension point must be an interface: " + type);
        }
    }

    // ---- observability --------------------------------------------------------------------------

    /** The status of a loaded plugin. */
    public Optional<PluginStatus> status(String pluginId) {
        synchronized (lock) {
            PluginWrapper w = manager.getPlugin(pluginId);
            return w == null ? Optional.empty() : Optional.of(status(w));
        }
    }

    /** The status of every loaded plugin, by id. */
    public List<PluginStatus> statuses() {
        synchronized (lock) {
            return manager.getPlugins().stream()
                    .sorted(Comparator.comparing(PluginWrapper::getPluginId))
                    .map(this::status)
                    .toList();
        }
    }

    /** Plugins found in the roots (or given to {@link #loadPlugin}) that could not be loaded, and why. */
    public List<LoadFailure> loadFailures() {
        return loadFailures.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new LoadFailure(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * Tells {@code listener} of every plugin state change (PF4J's events: loaded, started, stopped,
     * disabled, unloaded). The PF4J manager underneath is not handed out: plugins change only through
     * the host, which serialises those changes.
     *
     * @param listener called on the thread that changed the state
     */
    public void addPluginStateListener(PluginStateListener listener) {
        manager.addPluginStateListener(listener);
    }

    /**
     * Stops telling {@code listener} of state changes.
     *
     * @param listener a listener added before
     */
    public void removePluginStateListener(PluginStateListener listener) {
        manager.removePluginStateListener(listener);
    }

    /** The PF4J manager underneath, for this package's tests only. */
    PluginManager manager() {
        return manager;
    }

    private PluginStatus status(PluginWrapper w) {
        ScriptPlugin p = plugins.get(w.getPluginId());
        PluginState state = w.getPluginState();
        String reason = null;
        if (!state.isStarted()) {
            if (w.getFailedException() != null) reason = w.getFailedException().getMessage();
            else if (p != null && (state.isStopped() || state.isDisabled())) reason = p.unavailableReason();
            if (reason == null) reason = state.isDisabled() ? "disabled" : "not started";
        }
        String language = w.getPluginClassLoader() instanceof ScriptClassLoader l
                ? l.script().language()
                : null;
        PluginStats stats = p != null ? p.stats() : new PluginStats(0, 0, 0, 0, Duration.ZERO, null);
        return new PluginStatus(
                w.getPluginId(),
                w.getDescriptor().getVersion(),
                language,
                w.getPluginPath(),
                state,
                reason,
                p != null ? p.granted() : List.of(),
                p != null ? p.denied() : List.of(),
                p != null ? p.limits() : null,
                p != null ? p.callsPerSecond() : 0,
                stats,
                w.getDescriptor() instanceof ScriptPluginDescriptor d ? d.sha256() : null);
    }

    // ---- for the internals ----------------------------------------------------------------------

    HostSettings settings() {
        return settings;
    }

    void created(ScriptPlugin plugin) {
        plugins.put(plugin.id(), plugin);
    }

    void unloaded(String pluginId) {
        plugins.remove(pluginId);
    }

    void loaded(Path path) {
        loadFailures.remove(path);
    }

    /** A failed path that is no longer there is not a failure any more (a removed duplicate, say). */
    private void forgetVanishedFailures() {
        loadFailures.keySet().removeIf(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
    }

    void loadFailed(Path path, String reason) {
        loadFailures.put(path, reason);
        LOG.log(Level.WARNING, "cannot load plugin {0}: {1}", path, reason);
    }

    /** The current instance of a loaded plugin, for a call; it refuses the call itself when not running. */
    ScriptPlugin runningPlugin(String pluginId) {
        ScriptPlugin p = plugins.get(pluginId);
        if (p == null) {
            throw new PluginUnavailableException(pluginId, "plugin '" + pluginId + "' is not loaded", false);
        }
        return p;
    }

    /** Disables a plugin that misbehaved during a call (called after the call released the plugin). */
    void disableMisbehaving(ScriptPlugin plugin, String reason) {
        synchronized (lock) {
            if (plugins.get(plugin.id()) != plugin) return; // reloaded or unloaded meanwhile
            PluginWrapper w = manager.getPlugin(plugin.id());
            if (w == null) return;
            manager.disablePlugin(plugin.id());
            w.setFailedException(new PluginRuntimeException(reason));
            LOG.log(Level.WARNING, "plugin ''{0}'' disabled: {1}", plugin.id(), reason);
        }
    }

    /** Configures a {@link PluginHost}. */
    public static final class Builder {
        private final List<Path> roots = new ArrayList<>();
        private final Map<String, Function<String, HostFunction>> capabilities = new LinkedHashMap<>();
        private CapabilityPolicy policy = CapabilityPolicy.grantAllRegistered();
        private Limits ceiling = Limits.defaults();
        private double maxCallsPerSecond;
        private int maxConsecutiveFailures = 3;
        private String systemVersion = "0.0.0";

        private Builder() {}

        /** A directory whose subdirectories and zips are plugins; may be given several times. */
        public Builder pluginsRoot(Path root) {
            roots.add(Objects.requireNonNull(root, "root"));
            return this;
        }

        /** Offers a host function to plugins under {@code name}; a plugin gets it if it declares it and the policy allows. */
        public Builder capability(String name, HostFunction function) {
            Objects.requireNonNull(function, "function");
            return pluginScopedCapability(name, pluginId -> function);
        }

        /** Like {@link #capability(String, HostFunction)}, with a function made for each plugin from its id. */
        public Builder pluginScopedCapability(String name, Function<String, HostFunction> functionForPlugin) {
            if (name == null
                    || !ScriptPluginDescriptorFinder.IDENTIFIER.matcher(name).matches()
                    || name.startsWith("__")) {
                throw new IllegalArgumentException(
                        "a capability name must be an identifier not starting with '__': " + name);
            }
            capabilities.put(name, Objects.requireNonNull(functionForPlugin, "functionForPlugin"));
            return this;
        }

        /** Who gets which registered capability; default {@link CapabilityPolicy#grantAllRegistered()}. */
        public Builder capabilityPolicy(CapabilityPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The most any plugin may have (default {@link Limits#defaults()}); also what a plugin gets for a
         * limit it does not declare. A declared limit above it is lowered to it, with a warning.
         */
        public Builder ceiling(Limits ceiling) {
            this.ceiling = Objects.requireNonNull(ceiling, "ceiling");
            return this;
        }

        /** The most calls per second any plugin may take; 0 (the default) for no host-wide limit. */
        public Builder maxCallsPerSecond(double callsPerSecond) {
            if (!(callsPerSecond >= 0) || Double.isInfinite(callsPerSecond)) {
                throw new IllegalArgumentException("maxCallsPerSecond must be >= 0, got " + callsPerSecond);
            }
            this.maxCallsPerSecond = callsPerSecond;
            return this;
        }

        /** Failed calls in a row after which a plugin is disabled (default 3). Timeouts and memory-cap hits disable at once. */
        public Builder maxConsecutiveFailures(int failures) {
            if (failures < 1)
                throw new IllegalArgumentException("maxConsecutiveFailures must be >= 1, got " + failures);
            this.maxConsecutiveFailures = failures;
            return this;
        }

        /** The product's version, checked against each plugin's {@code plugin.requires} (PF4J's rule). */
        public Builder systemVersion(String version) {
            this.systemVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        public PluginHost build() {
            return new PluginHost(new HostSettings(
                    roots, capabilities, policy, ceiling, maxCallsPerSecond, maxConsecutiveFailures, systemVersion));
        }
    }
}
