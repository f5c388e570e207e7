package io.wasmbox.plugins;

import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import io.wasmbox.WasmboxException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.pf4j.Plugin;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * The PF4J plugin instance of a script plugin: it owns the plugin's sandbox. {@link #start()} creates the
 * sandbox, binds the granted capabilities and runs the entry script; {@link #stop()} frees it.
 *
 * <p>Calls are serialised: one sandbox per plugin, one call at a time, callers served in arrival order
 * (a fair lock), so a plugin's globals are consistent from call to call. A timeout or a memory-cap hit
 * disables the plugin at once (the core has discarded its sandbox anyway, and it burned the host's CPU or
 * memory); other failures count, and {@code maxConsecutiveFailures} in a row disable it. A crash below
 * that count gets a fresh sandbox (entry script run again, globals lost) on the next call.
 */
final class ScriptPlugin extends Plugin {
    private static final System.Logger LOG = System.getLogger(ScriptPlugin.class.getName());
    /** Time allowed to compile an entry script once at start (see {@link #precompile()}). */
    private static final Duration PRECOMPILE_TIMEOUT = Duration.ofSeconds(30);

    private final String id;
    private final String label;
    private final PluginScript script;
    private final HostSettings settings;
    private final Limits limits;
    private final double callsPerSecond;
    private final CallRateLimiter rateLimiter;
    private final List<String> granted;
    private final List<String> denied;
    private final BiConsumer<ScriptPlugin, String> onMisbehaviour;

    private final ReentrantLock lock = new ReentrantLock(true);
    /** The current sandbox; replaced after a crash, null when stopped. Written under {@link #lock}. */
    private volatile Sandbox sandbox;
    /** Guest implementations of extension interfaces in the current sandbox. Guarded by {@link #lock}. */
    private final Map<Class<?>, Binding> bindings = new HashMap<>();

    private volatile boolean running;
    /** Why calls are refused (stopped, disabled and why); null while running. */
    private volatile String unavailableReason = "not started";

    private final CallStats stats = new CallStats();

    ScriptPlugin(
            PluginWrapper wrapper,
            PluginScript script,
            HostSettings settings,
            BiConsumer<ScriptPlugin, String> onMisbehaviour) {
        ScriptPluginDescriptor d = (ScriptPluginDescriptor) wrapper.getDescriptor();
        this.id = d.getPluginId();
        this.label = id + "@" + d.getVersion();
        this.script = script;
        this.settings = settings;
        this.onMisbehaviour = onMisbehaviour;
        this.limits = PluginLimits.effective(d.limits(), settings.ceiling(), label);
        this.callsPerSecond =
                PluginLimits.effectiveRate(d.limits().callsPerSecond(), settings.maxCallsPerSecond(), label);
        this.rateLimiter = callsPerSecond > 0 ? new CallRateLimiter(callsPerSecond) : null;
        PluginSource source = new PluginSource(wrapper.getPluginPath(), d.sha256());
        PluginGrants grants = PluginGrants.decide(d, source, settings, label);
        this.granted = grants.granted();
        this.denied = grants.denied();
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public void start() {
        lock.lock();
        try {
            closeSandbox();
            bindings.clear();
            stats.restarted();
            try {
                precompile();
                sandbox = newSandbox();
            } catch (RuntimeException e) {
                unavailableReason = e.getMessage();
                throw e;
            }
            unavailableReason = null;
            running = true;
            LOG.log(
                    Level.INFO,
                    "plugin ''{0}'' started ({1}, {2}, capabilities {3})",
                    label,
                    script.language(),
                    limits,
                    granted);
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further calls and frees the sandbox; a call in progress finishes first (the core's rule). */
    @Override
    public void stop() {
        running = false;
        if (unavailableReason == null) unavailableReason = "stopped";
        closeSandbox();
    }

    /** Refuses further calls, saying why, and frees the sandbox (the host then disables it through PF4J). */
    void markUnavailable(String reason) {
        unavailableReason = reason;
        running = false;
        closeSandbox();
    }

    private void closeSandbox() {
        Sandbox s = sandbox;
        sandbox = null;
        if (s != null) s.close();
    }

    /**
     * Compiles the entry script (and runs a trivial one) in a throwaway sandbox with a generous timeout
     * before the plugin's own sandbox runs it. The first run of a language in a JVM goes through cold code
     * (hundreds of ms), and TypeScript is transpiled then (cached for the JVM, by source): neither should
     * count against the plugin's per-call timeout. A syntax error fails the start here, with its line.
     */
    private void precompile() {
        Limits generous = settings.ceiling().toBuilder()
                .timeout(max(settings.ceiling().timeout(), PRECOMPILE_TIMEOUT))
                .build();
        GuestError error;
        try (Sandbox s = Wasmbox.interpreter(script.language())
                .sandbox()
                .options(SandboxOptions.builder().limits(generous).build())
                .build()) {
            error = s.check(script.code());
            if (error == null) s.run("0"); // and the run path, cold too
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "plugin ''{0}'': precompiling failed ({1}); its start will say why", label, e);
            return;
        }
        if (error != null) {
            throw new PluginRuntimeException(
                    "plugin '" + label + "' failed to start: " + script.fileName() + " does not compile: "
                            + error.summary() + (error.line() > 0 ? " (line " + error.line() + ")" : ""));
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Sandbox newSandbox() {
        Sandbox s;
        try {
            s = Wasmbox.interpreter(script.language())
                    .sandbox()
                    .options(SandboxOptions.builder().limits(limits).build())
                    .build();
        } catch (RuntimeException e) {
            throw new PluginRuntimeException("plugin '" + label + "' cannot start: " + e.getMessage());
        }
        try {
            for (String name : granted)
                s.bind(name, settings.capabilities().get(name).apply(id));
            ExecutionResult r = s.run(
                    script.code(),
                    RunOptions.builder().fileName(script.fileName()).build());
            if (!r.succeeded()) {
                throw new PluginRuntimeException(
                        "plugin '" + label + "' failed to start: " + script.fileName() + " " + describe(r));
            }
            return s;
        } catch (WasmboxException e) {
            s.close();
            throw new PluginRuntimeException("plugin '" + label + "' cannot start: " + e.getMessage());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private String describe(ExecutionResult r) {
        if (r.timeoutHit()) return "timed out after " + limits.timeout().toMillis() + " ms";
        if (r.memoryLimitHit()) return "hit its memory cap of " + limits.memoryBytes() / Units.MIB + " MiB";
        GuestError e = r.error();
        if (e != null) return "raised " + e.summary() + (e.line() > 0 ? " (line " + e.line() + ")" : "");
        return "exited with code " + r.exitCode();
    }

    // ---- extensions -----------------------------------------------------------------------------

    /** The guest's implementation of one interface in one sandbox: global functions, or methods of {@code objectPath}. */
    private record Binding(String objectPath, Object target, List<String> missing) {}

    /** True when the running guest defines every abstract method of {@code type}. */
    boolean implementsType(Class<?> type) {
        if (!running) return false;
        lock.lock();
        try {
            if (!running) return false;
            return binding(type).missing().isEmpty();
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "plugin ''{0}'': cannot inspect it for {1}: {2}",
                    label,
                    type.getName(),
                    e.getMessage());
            return false;
        } finally {
            lock.unlock();
        }
    }

    private Binding binding(Class<?> type) {
        Sandbox s = currentSandbox();
        Binding b = bindings.get(type);
        if (b == null) {
            // Prefer a guest object named after the interface (several extension points may share method names).
            String objectPath = type.getSimpleName();
            List<String> missing = s.missingFunctions(objectPath, type);
            if (!missing.isEmpty()) {
                objectPath = null;
                missing = s.missingFunctions(null, type);
            }
            b = new Binding(objectPath, missing.isEmpty() ? s.asInterface(objectPath, type) : null, missing);
            bindings.put(type, b);
            if (!missing.isEmpty()) {
                LOG.log(
                        Level.INFO,
                        "plugin ''{0}'' does not implement {1} (missing {2}); skipped for it",
                        label,
                        type.getName(),
                        String.join(", ", missing));
            }
        }
        return b;
    }

    /** The sandbox, fresh if a crash discarded the last one. Under {@link #lock}. */
    private Sandbox currentSandbox() {
        Sandbox s = sandbox;
        if (s != null && !s.isClosed()) return s;
        if (!running) throw unavailable();
        LOG.log(Level.INFO, "plugin ''{0}'': its sandbox was discarded after a crash; starting a fresh one", label);
        bindings.clear();
        Sandbox fresh = newSandbox();
        sandbox = fresh;
        // stop() may have run meanwhile: it sets running before it reads sandbox, so one of us closes fresh
        if (!running) {
            fresh.close();
            throw unavailable();
        }
        return fresh;
    }

    /** Calls {@code method} of {@code type} in the guest, counting, timing and judging the outcome. */
    Object call(Class<?> type, Method method, Object[] args) {
        if (!running) throw unavailable();
        if (rateLimiter != null && !rateLimiter.tryAcquire()) {
            stats.rejected();
            throw new PluginUnavailableException(
                    id, "plugin '" + label + "' is over its limit of " + callsPerSecond + " calls per second", true);
        }
        String disableReason = null;
        lock.lock();
        try {
            if (!running) throw unavailable();
            long start = System.nanoTime();
            try {
                Binding b = binding(type);
                if (!b.missing().isEmpty()) {
                    throw new PluginUnavailableException(
                            id,
                            "plugin '" + label + "' does not implement " + type.getName() + " (missing "
                                    + String.join(", ", b.missing()) + ")",
                            false);
                }
                start = System.nanoTime();
                Object value = Proxy.getInvocationHandler(b.target()).invoke(b.target(), method, args);
                stats.success(System.nanoTime() - start);
                return value;
            } catch (PluginException | Error e) {
                throw e;
            } catch (Throwable e) {
                if (!(e instanceof WasmboxException
                        || e instanceof IllegalArgumentException
                        || e instanceof PluginRuntimeException)) {
                    throw e instanceof RuntimeException r ? r : new UndeclaredThrowableException(e);
                }
                if (e instanceof SandboxClosedException && !running) throw unavailable(); // stopped meanwhile
                // a guest error, crash, timeout or memory cap; a value the return type cannot hold; a failed restart
                int inARow = stats.failure(System.nanoTime() - start, FailurePolicy.errorText(method, e));
                disableReason =
                        FailurePolicy.disableReason(e, method, limits, inARow, settings.maxConsecutiveFailures());
                if (disableReason != null) markUnavailable(disableReason);
                throw new PluginCallException(id, callFailure(method, e, disableReason), e, disableReason != null);
            }
        } finally {
            lock.unlock();
            if (disableReason != null) onMisbehaviour.accept(this, disableReason);
        }
    }

    private String callFailure(Method method, Throwable e, String disableReason) {
        return "plugin '" + label + "' failed in " + method.getName() + "(): " + e.getMessage()
                + (disableReason == null ? "" : "; plugin disabled: " + disableReason);
    }

    private PluginUnavailableException unavailable() {
        String reason = unavailableReason;
        return new PluginUnavailableException(
                id, "plugin '" + label + "' is not available" + (reason == null ? "" : ": " + reason), false);
    }

    PluginStats stats() {
        return stats.snapshot();
    }

    // ---- facts ----------------------------------------------------------------------------------

    String id() {
        return id;
    }

    PluginScript script() {
        return script;
    }

    Limits limits() {
        return limits;
    }

    double callsPerSecond() {
        return callsPerSecond;
    }

    List<String> granted() {
        return granted;
    }

    List<String> denied() {
        return denied;
    }

    boolean running() {
        return running;
    }

    String unavailableReason() {
        return unavailableReason;
    }

    @Override
    public String toString() {
        return "ScriptPlugin[" + label + ", " + script.language() + "]";
    }
}
