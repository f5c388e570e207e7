package io.wasmbox.jsr223;

import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ready sandboxes for new Bindings, made in the background: a fresh {@code createBindings()} per eval
 * (the JMeter pattern) takes an unused sandbox instead of making one on the caller's thread. A pooled
 * sandbox has never run anything; it is handed out once and never returned (a used sandbox holds its
 * tenant's data).
 *
 * <p>One pool per language and sandbox options (limits, clock, seed); {@value #MAX_POOLS} pools at most,
 * options beyond them are made on demand. Size per pool: system property {@value #SIZE_PROPERTY}
 * (default {@value #DEFAULT_SIZE}; 0 turns pooling off). One daemon thread fills every pool.
 */
final class SandboxPool {
    private static final System.Logger LOG = System.getLogger(SandboxPool.class.getName());
    static final String SIZE_PROPERTY = "wasmbox.jsr223.pool";
    static final int DEFAULT_SIZE = 4;
    static final int MAX_POOLS = 16;
    private static final Map<Key, SandboxPool> POOLS = new ConcurrentHashMap<>();
    private static final ExecutorService FILLER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wasmbox-jsr223-pool");
        t.setDaemon(true);
        return t;
    });

    /** Sandboxes handed out ready from a pool, and made on the caller's thread because none was ready. */
    static final AtomicLong POOLED = new AtomicLong();

    static final AtomicLong MADE_ON_DEMAND = new AtomicLong();

    private record Key(String language, Limits limits, Instant frozenAt, boolean realtime, long seed) {}

    private final Interpreter interpreter;
    private final SandboxOptions options;
    private final ArrayBlockingQueue<Sandbox> ready;
    private final AtomicBoolean filling = new AtomicBoolean();

    private SandboxPool(Interpreter interpreter, SandboxOptions options, int size) {
        this.interpreter = interpreter;
        this.options = options;
        this.ready = new ArrayBlockingQueue<>(size);
    }

    /** An unused sandbox of {@code language} with {@code options}: a pooled one when ready, else a new one. */
    static Sandbox take(String language, SandboxOptions options) {
        Interpreter interpreter = Wasmbox.interpreter(language);
        int size = Integer.getInteger(SIZE_PROPERTY, DEFAULT_SIZE);
        if (size <= 0) return interpreter.sandbox().options(options).build();
        Instant frozenAt = options.realtime() ? null : options.clock().instant();
        boolean fixedClock = options.realtime() || options.clock().equals(Clock.fixed(frozenAt, ZoneOffset.UTC));
        if (!fixedClock) return interpreter.sandbox().options(options).build(); // a ticking test clock: not shareable
        Key key = new Key(interpreter.language(), options.limits(), frozenAt, options.realtime(), options.randomSeed());
        SandboxPool pool = POOLS.get(key);
        if (pool == null) {
            if (POOLS.size() >= MAX_POOLS)
                return interpreter.sandbox().options(options).build();
            pool = POOLS.computeIfAbsent(key, k -> new SandboxPool(interpreter, options, size));
        }
        return pool.take();
    }

    private Sandbox take() {
        Sandbox box;
        while ((box = ready.poll()) != null && box.isClosed()) {
            // closed by someone (cannot happen today): skip it
        }
        fill();
        if (box != null) {
            POOLED.incrementAndGet();
            return box;
        }
        MADE_ON_DEMAND.incrementAndGet();
        return interpreter.sandbox().options(options).build();
    }

    private void fill() {
        if (ready.remainingCapacity() == 0 || !filling.compareAndSet(false, true)) return;
        FILLER.execute(() -> {
            try {
                while (ready.remainingCapacity() > 0) {
                    Sandbox box = interpreter.sandbox().options(options).build();
                    if (!ready.offer(box)) box.close();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "filling the JSR-223 sandbox pool failed: {0}", e.toString());
            } finally {
                filling.set(false);
            }
        });
    }
}
