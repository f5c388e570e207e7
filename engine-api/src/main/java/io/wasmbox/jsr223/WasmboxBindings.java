package io.wasmbox.jsr223;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.HostFunction;
import io.wasmbox.Sandbox;
import java.lang.ref.Cleaner;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.script.Bindings;

/**
 * Live ENGINE_SCOPE Bindings backed by their own sandbox, as Nashorn's {@code createBindings()}: each
 * instance is a separate global scope. The sandbox is made on first use (taken from a pool of ready
 * ones) and closed by a {@link Cleaner} once the Bindings are unreachable, or by {@link #close()}.
 *
 * <ul>
 *   <li>{@code put} of plain data (strings, numbers, booleans, maps, collections, arrays, records: see
 *       {@link GuestData}) makes a guest global, JSON-mapped, before the next guest work (values are
 *       copied when put). A {@link HostFunction}, {@code Function}, {@code BiFunction} or {@code
 *       Supplier} becomes a host function callable only from these Bindings' evals. Any other object
 *       (a {@code File}, a {@code Runtime}, a {@code Class}, a logger...) is refused for the guest: it
 *       stays here, readable from Java, and the guest never sees it. Names that are not identifiers
 *       (such as the {@code wasmbox.*} limit attributes) are Java-only too.
 *   <li>{@code get}, {@code containsKey}, {@code keySet}, {@code size}, {@code entrySet} read the guest's
 *       globals (JSON-mapped, as {@code eval} results), so what a script defined is visible here; {@code
 *       remove} deletes the guest global. {@code put} and {@code remove} return the previous value as
 *       Java last saw it or, for a guest-made global, as read from the guest.
 *   <li>Thread-safe: guest work on one Bindings is serialised. A function bound here that is called by
 *       the guest reads the Java side only (the guest is busy with the call); an eval with these
 *       Bindings from inside such a call is refused (IllegalStateException).
 *   <li>{@code equals} and {@code hashCode} are identity-based (each Bindings is a distinct scope).
 * </ul>
 */
public final class WasmboxBindings extends AbstractMap<String, Object> implements Bindings, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "wasmbox-bindings-cleaner");
        t.setDaemon(true);
        return t;
    });

    final GuestScope scope;
    /**
     * Entries the guest never sees as data: functions (bound by name), refused objects, non-identifier
     * keys. Guarded by itself; kept here, not in the scope, so that closures over these Bindings do not
     * keep them reachable (see {@link GuestScope#functionSource}).
     */
    private final Map<String, Object> javaOnly = Collections.synchronizedMap(new LinkedHashMap<>());

    WasmboxBindings(WasmboxScriptEngineFactory factory) {
        this.scope = new GuestScope(factory);
        scope.functionSource(javaOnly);
        CLEANER.register(this, new Release(new java.lang.ref.WeakReference<>(scope), scope.life));
    }

    /**
     * What happens once these Bindings are unreachable. Only they hold their scope, and so their sandbox,
     * strongly: the sandbox (a Chicory instance, its pages, an in-memory file system: heap only, nothing
     * to close outside the JVM) becomes garbage in the same collection as its Bindings. The action must
     * not keep it alive until the Cleaner thread runs: a fresh Python sandbox owns ~5 MiB of copied
     * pages, and holding thousands of them for one more collection made a collector copy them all (in
     * the JMeter pattern, 30-50% of the time went to GC). It closes the sandbox if it is still there and
     * keeps the count of open sandboxes.
     */
    private record Release(java.lang.ref.WeakReference<GuestScope> scope, GuestScope.Life life) implements Runnable {
        @Override
        public void run() {
            GuestScope s = scope.get();
            if (s != null) s.close();
            life.released();
        }
    }

    /**
     * Sandboxes currently attached to Bindings of this JVM and not yet closed: those of Bindings that are
     * in use, plus those of unreachable Bindings the Cleaner has not reached yet (a diagnostic; it falls
     * back once the garbage collector has run).
     *
     * @return the count
     */
    public static long openSandboxes() {
        return GuestScope.OPEN.get();
    }

    /**
     * How many Bindings got a ready sandbox from the background pool ({@code [0]}) and how many had
     * theirs made on the caller's thread because none was ready ({@code [1]}), since the JVM started.
     *
     * @return {@code [pooled, madeOnDemand]}
     */
    public static long[] poolStatistics() {
        return new long[] {SandboxPool.POOLED.get(), SandboxPool.MADE_ON_DEMAND.get()};
    }

    /**
     * The language whose sandbox these Bindings own.
     *
     * @return the language id
     */
    public String language() {
        return scope.factory.languageInfo().id();
    }

    /**
     * True once a sandbox is attached (after the first guest work).
     *
     * @return true once a sandbox is attached
     */
    public boolean hasSandbox() {
        return scope.current() != null;
    }

    /** Closes the sandbox now; a later use makes a new one (with the Java entries, fresh guest globals). */
    @Override
    public void close() {
        scope.close();
    }

    @Override
    public Object put(String name, Object value) {
        checkKey(name);
        Object previous = javaSide(name);
        if (previous == null && GuestScope.isGuestName(name) && hasSandbox() && !scope.calledBackHere()) {
            previous = guestValue(name);
        }
        synchronized (scope) {
            Sandbox box = scope.current();
            if (!GuestScope.isGuestName(name)) {
                javaOnly.put(name, value);
                return previous;
            }
            HostFunction fn = GuestScope.asHostFunction(value);
            JsonNode json = fn == null ? GuestData.toGuest(value) : null;
            if (json != null) {
                javaOnly.remove(name);
                scope.unbind(box, name);
                scope.javaData.put(name, value);
                scope.javaJson.put(name, json);
                scope.dirty.add(name);
                scope.deleted.remove(name);
            } else {
                scope.javaData.remove(name);
                scope.javaJson.remove(name);
                scope.dirty.remove(name);
                javaOnly.put(name, value);
                if (fn != null) {
                    scope.deleted.remove(name);
                    scope.bindIfFunction(box, name, value);
                } else {
                    scope.unbind(box, name);
                    if (box != null) scope.deleted.add(name);
                }
            }
        }
        return previous;
    }

    @Override
    public void putAll(Map<? extends String, ?> map) {
        map.forEach(this::put);
    }

    @Override
    public Object get(Object key) {
        String name = checkKey(key);
        synchronized (scope) {
            if (javaOnly.containsKey(name)) return javaOnly.get(name);
            if (scope.dirty.contains(name)) return scope.javaData.get(name);
            if (scope.deleted.contains(name)) return null;
            if (!GuestScope.isGuestName(name) || scope.current() == null || scope.calledBackHere()) {
                return scope.javaData.get(name);
            }
        }
        return guestValue(name);
    }

    @Override
    public boolean containsKey(Object key) {
        String name = checkKey(key);
        synchronized (scope) {
            if (javaOnly.containsKey(name) || scope.dirty.contains(name)) return true;
            if (scope.deleted.contains(name)) return false;
            if (!GuestScope.isGuestName(name) || scope.current() == null || scope.calledBackHere()) {
                return scope.javaData.containsKey(name);
            }
        }
        return guestNames().contains(name);
    }

    @Override
    public Object remove(Object key) {
        String name = checkKey(key);
        Object previous = javaSide(name);
        if (previous == null && GuestScope.isGuestName(name) && hasSandbox() && !scope.calledBackHere()) {
            previous = guestValue(name);
        }
        synchronized (scope) {
            Sandbox box = scope.current();
            javaOnly.remove(name);
            scope.javaData.remove(name);
            scope.javaJson.remove(name);
            scope.dirty.remove(name);
            scope.unbind(box, name);
            if (box != null && GuestScope.isGuestName(name)) scope.deleted.add(name);
        }
        return previous;
    }

    @Override
    public Set<String> keySet() {
        Set<String> keys = new LinkedHashSet<>();
        if (hasSandbox() && !scope.calledBackHere()) keys.addAll(guestNames());
        synchronized (scope) {
            keys.removeAll(scope.deleted);
            keys.addAll(scope.javaData.keySet());
            synchronized (javaOnly) {
                keys.addAll(javaOnly.keySet());
            }
        }
        return new AbstractSet<>() {
            private final List<String> snapshot = new ArrayList<>(keys);

            @Override
            public Iterator<String> iterator() {
                Iterator<String> it = snapshot.iterator();
                return new Iterator<>() {
                    private String last;

                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public String next() {
                        return last = it.next();
                    }

                    @Override
                    public void remove() {
                        it.remove();
                        WasmboxBindings.this.remove(last);
                    }
                };
            }

            @Override
            public int size() {
                return snapshot.size();
            }
        };
    }

    @Override
    public int size() {
        return keySet().size();
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public void clear() {
        for (String name : keySet()) remove(name);
    }

    /** Entries over a snapshot of the keys; each value is read when asked for. */
    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        Set<String> keys = keySet();
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                Iterator<String> it = keys.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        String name = it.next();
                        return new Map.Entry<>() {
                            @Override
                            public String getKey() {
                                return name;
                            }

                            @Override
                            public Object getValue() {
                                return get(name);
                            }

                            @Override
                            public Object setValue(Object value) {
                                return put(name, value);
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return keys.size();
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "WasmboxBindings[" + language() + (hasSandbox() ? ", sandbox attached" : "") + "]";
    }

    /** A copy of the data entries put from Java (what GLOBAL_SCOPE Bindings of this kind offer as fallbacks). */
    Map<String, Object> javaData() {
        synchronized (scope) {
            return new LinkedHashMap<>(scope.javaData);
        }
    }

    // ---- guest access ---------------------------------------------------------------------------

    private Object javaSide(String name) {
        synchronized (scope) {
            Object v = javaOnly.get(name);
            return v != null ? v : scope.javaData.get(name);
        }
    }

    private Object guestValue(String name) {
        try {
            return scope.use(null, box -> {
                WasmboxScriptEngine.flushPending(scope, box);
                return box.getGlobal(name);
            });
        } finally {
            java.lang.ref.Reference.reachabilityFence(this);
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> guestNames() {
        try {
            return scope.use(null, box -> {
                WasmboxScriptEngine.flushPending(scope, box);
                Object names = box.eval(scope.factory.globalNamesExpression());
                List<String> list = new ArrayList<>();
                if (names instanceof List<?> l) for (Object n : l) list.add(String.valueOf(n));
                return list;
            });
        } finally {
            java.lang.ref.Reference.reachabilityFence(this);
        }
    }

    private static String checkKey(Object key) {
        Objects.requireNonNull(key, "key can not be null");
        if (!(key instanceof String name)) throw new ClassCastException("key should be a String");
        if (name.isEmpty()) throw new IllegalArgumentException("key can not be empty");
        return name;
    }
}
