package io.wasmbox.jsr223;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.HostFunction;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.lang.model.SourceVersion;

/**
 * The global scope of one ENGINE_SCOPE Bindings: its own sandbox (made on first use, from the pool, with
 * the limits of the context that first needs it; kept for every sandbox that later replaces a crashed
 * one), the lock that serialises its guest work, and the Java side of its entries. Only its Bindings
 * hold it strongly (their Cleaner action keeps a weak reference and the {@link Life}), so the scope and
 * its sandbox become garbage with them.
 */
final class GuestScope {
    /** The scope whose host function is running on this thread (a guest calling back into Java). */
    private static final ThreadLocal<GuestScope> CALLING = new ThreadLocal<>();
    /** Sandboxes attached to Bindings not yet closed or collected (see {@link WasmboxBindings#openSandboxes()}). */
    static final AtomicLong OPEN = new AtomicLong();

    final WasmboxScriptEngineFactory factory;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Sandbox sandbox; // written under lock
    /** Whether this scope has a sandbox counted in {@link #OPEN}; shared with the Bindings' Cleaner action. */
    final Life life = new Life();

    /** The part of a scope its Cleaner action keeps: it must not reach the sandbox (see {@link WasmboxBindings}). */
    static final class Life {
        private boolean counted;

        synchronized void opened() {
            if (!counted) {
                counted = true;
                OPEN.incrementAndGet();
            }
        }

        synchronized void released() {
            if (counted) {
                counted = false;
                OPEN.decrementAndGet();
            }
        }
    }

    private SandboxOptions options; // guarded by lock; fixed when the first sandbox is made

    // ---- the Java side of the entries (guarded by `this`) ---------------------------------------
    /**
     * Where the scope's functions live: the Java-only entries of its own {@link WasmboxBindings}, or the
     * client's map it is attached to. Weak, and looked up when the guest calls: nothing the scope holds
     * may keep its Bindings reachable (a function that closes over them once did, through the Cleaner).
     */
    private java.lang.ref.WeakReference<Map<String, Object>> functions = new java.lang.ref.WeakReference<>(null);
    /** Data entries put from Java: the original object and its JSON. */
    final Map<String, Object> javaData = new LinkedHashMap<>();

    final Map<String, JsonNode> javaJson = new HashMap<>();
    /** Data entries not yet sent to the current sandbox. */
    final Set<String> dirty = new LinkedHashSet<>();
    /** Guest globals to delete before the next guest work. */
    final Set<String> deleted = new LinkedHashSet<>();
    /** Names bound as functions on the current sandbox. */
    private final Set<String> bound = new HashSet<>();
    /** For a client-made Bindings: what each entry was when last sent (unchanged entries are not resent). */
    final Map<String, JsonNode> sentFromClient = new HashMap<>();
    /** GLOBAL_SCOPE fallbacks as last sent to the current sandbox. */
    final Map<String, JsonNode> fallbacksSent = new HashMap<>();

    GuestScope(WasmboxScriptEngineFactory factory) {
        this.factory = factory;
    }

    /** Sets where this scope's functions are looked up (once, by the owner). */
    synchronized void functionSource(Map<String, Object> source) {
        this.functions = new java.lang.ref.WeakReference<>(source);
    }

    interface Work<T> {
        T run(Sandbox sandbox);
    }

    /**
     * Runs {@code work} on this scope's sandbox, made or remade first if needed, holding the scope's lock:
     * guest work on one scope is serialised, different scopes run in parallel.
     *
     * @param context the context whose limit attributes apply if the sandbox is made now (null: ceiling)
     */
    <T> T use(javax.script.ScriptContext context, Work<T> work) {
        if (CALLING.get() == this) {
            throw new IllegalStateException("a function bound in these Bindings cannot run guest code in them"
                    + " while the guest is calling it (use other Bindings)");
        }
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Bindings' sandbox", e);
        }
        try {
            return work.run(sandbox(context));
        } finally {
            lock.unlock();
        }
    }

    /** The current sandbox if there is a usable one (no guest work, no lock). */
    Sandbox current() {
        Sandbox box = sandbox;
        return box == null || box.isClosed() ? null : box;
    }

    /** True while a function of this scope runs on the current thread (the guest calling back). */
    boolean calledBackHere() {
        return CALLING.get() == this;
    }

    private Sandbox sandbox(javax.script.ScriptContext context) {
        if (sandbox != null && !sandbox.isClosed()) return sandbox;
        if (options == null) options = factory.sandboxOptions(context);
        Sandbox box = SandboxPool.take(factory.languageInfo().id(), options);
        synchronized (this) {
            bound.clear();
            sentFromClient.clear();
            fallbacksSent.clear();
            deleted.clear();
            dirty.addAll(javaData.keySet()); // Java's entries reach every new sandbox
            Map<String, Object> source = functions.get();
            if (source != null) {
                Map<String, Object> copy;
                synchronized (source) {
                    copy = new LinkedHashMap<>(source);
                }
                copy.forEach((name, value) -> bindIfFunction(box, name, value));
            }
        }
        if (sandbox != null) sandbox.close(); // the one it replaces (discarded after a crash, or closed)
        life.opened();
        sandbox = box;
        return box;
    }

    /** Binds {@code name} on {@code box} when {@code value} is a Java callable and the name an identifier. */
    synchronized void bindIfFunction(Sandbox box, String name, Object value) {
        if (box == null || !isGuestName(name) || asHostFunction(value) == null) return;
        if (bound.add(name)) box.bind(name, callback(name));
    }

    synchronized void unbind(Sandbox box, String name) {
        if (bound.remove(name) && box != null) box.unbind(name);
    }

    /**
     * The host function bound for {@code name}: it finds the Java callable under that name when the guest
     * calls, and runs it with this scope marked as calling back on the guest's thread.
     */
    private HostFunction callback(String name) {
        return args -> {
            Map<String, Object> source;
            synchronized (this) {
                source = functions.get();
            }
            Object value;
            if (source == null) {
                value = null;
            } else {
                synchronized (source) {
                    value = source.get(name);
                }
            }
            HostFunction fn = asHostFunction(value);
            if (fn == null) throw new IllegalStateException("'" + name + "' is no longer a function of these Bindings");
            GuestScope previous = CALLING.get();
            CALLING.set(this);
            try {
                return fn.call(args);
            } finally {
                if (previous == null) CALLING.remove();
                else CALLING.set(previous);
            }
        };
    }

    /** Closes the sandbox; a later use makes a new one. */
    void close() {
        Sandbox box = sandbox;
        if (box != null) box.close();
        life.released();
    }

    /** A name that can be a guest global: an identifier not starting with {@code __} (the drivers' own). */
    static boolean isGuestName(String name) {
        return name != null && SourceVersion.isIdentifier(name) && !name.startsWith("__");
    }

    /** Java callables placed in bindings, as host functions; null for anything else. */
    @SuppressWarnings("unchecked")
    static HostFunction asHostFunction(Object value) {
        if (value instanceof HostFunction fn) return fn;
        if (value instanceof BiFunction<?, ?, ?> fn) {
            BiFunction<Object, Object, Object> f = (BiFunction<Object, Object, Object>) fn;
            return HostFunction.of(args -> f.apply(arg(args, 0), arg(args, 1)));
        }
        if (value instanceof Function<?, ?> fn) {
            Function<Object, Object> f = (Function<Object, Object>) fn;
            return HostFunction.of(args -> f.apply(args.size() == 1 ? args.getFirst() : arg(args, 0)));
        }
        if (value instanceof Supplier<?> fn) return HostFunction.of(args -> fn.get());
        return null;
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    static boolean same(Object a, Object b) {
        return a == b || Objects.equals(a, b);
    }
}
