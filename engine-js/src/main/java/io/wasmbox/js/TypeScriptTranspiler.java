package io.wasmbox.js;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wasmbox.ErrorKind;
import io.wasmbox.GuestError;
import io.wasmbox.spi.GuestCrashedException;
import io.wasmbox.spi.GuestRequest;
import io.wasmbox.spi.GuestResponse;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real TypeScript compiler ({@code ts.transpileModule} from the typescript WebJar) running in QuickJS
 * sandboxes of its own, erasing types from scripts before they run as JavaScript.
 *
 * <p>Loaded once per JVM from a snapshot of a template instance with the JavaScript driver, typescript.js (9 MB)
 * evaluated and a small transpile driver (typescript-driver.js): the build takes it and the jar ships it
 * ({@link TypeScriptSnapshot}); when that is absent or stale, the template is built here (tens of seconds),
 * as is logged. Transpiler instances are restored from the snapshot (milliseconds) and reused; an instance
 * whose memory passed {@link #recycleThresholdBytes} is dropped and the next one restored fresh, as is an
 * instance whose transpile was interrupted or failed.
 *
 * <p>Transpiles run on the calling sandbox's guest thread, inside its run, so its timeout stops them. At
 * most {@link #POOL_SIZE} run at once; results are cached (LRU, by source text).
 */
final class TypeScriptTranspiler {
    private static final System.Logger LOG = System.getLogger(TypeScriptTranspiler.class.getName());

    /** The compiler's version: the WebJar in the POM (typescript.version) must match. */
    static final String VERSION = "6.0.3";
    /** Memory cap of a transpiler instance: it runs trusted code, on untrusted input of up to maxCode bytes. */
    static final long MEMORY_CAP_BYTES = 512L << 20;
    /** Transpiler instances that may run at once (system property wasmbox.typescript.transpilers). */
    static final int POOL_SIZE = Math.max(
            1,
            Integer.getInteger(
                    "wasmbox.typescript.transpilers",
                    Math.min(2, Runtime.getRuntime().availableProcessors())));
    /** Stack of the thread that loads (or, at build time, compiles) the compiler: the compile recurses deeply. */
    static final long LOAD_STACK_BYTES = 256L << 20;

    private static final int CACHE_ENTRIES = 1024;
    private static final long CACHE_BYTES = 32L << 20;
    private static final String TRANSPILE = "__wasmbox_tsx";

    /** The load of this JVM's transpiler, started by the first caller; cleared when a load fails. */
    private static CompletableFuture<TypeScriptTranspiler> loading;

    /** The transpiler of this JVM, loaded on first use; waits for a load in progress. */
    static TypeScriptTranspiler shared() {
        return await(loadInBackground());
    }

    /**
     * Starts loading this JVM's transpiler unless it is loaded or loading: on a thread of its own with a
     * large stack, as guests run (evaluating 9 MB of JavaScript, when the snapshot is not shipped, goes deep
     * into the AOT-compiled interpreter), whatever the stack of the thread that asked. The first TypeScript
     * sandbox sets up its JavaScript side meanwhile: on two cores that hides most of either.
     */
    static synchronized CompletableFuture<TypeScriptTranspiler> loadInBackground() {
        if (loading != null) return loading;
        CompletableFuture<TypeScriptTranspiler> load = new CompletableFuture<>();
        Thread loader = new Thread(
                null,
                () -> {
                    try {
                        load.complete(new TypeScriptTranspiler());
                    } catch (Throwable e) {
                        forget(load);
                        load.completeExceptionally(e);
                    }
                },
                "wasmbox-typescript-load",
                LOAD_STACK_BYTES);
        loader.setDaemon(true);
        loading = load;
        loader.start();
        return load;
    }

    private static synchronized void forget(CompletableFuture<TypeScriptTranspiler> failed) {
        if (loading == failed) loading = null; // the next use tries again
    }

    /**
     * The loaded transpiler, waiting for it without giving up on an interrupt (the load is shared: it is
     * finished, then the interrupt passed on); a failed load's error thrown as it was.
     */
    static TypeScriptTranspiler await(CompletableFuture<TypeScriptTranspiler> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A transpiled script: the JavaScript and its map back to the source, or the error that stops it. */
    record Result(String js, SourceMapLines map, GuestError error) {
        long weight() {
            return 2L * (js == null ? 0 : js.length()) + (map == null ? 0 : map.weight()) + 64;
        }
    }

    private final JsGuestFactory factory;
    private final String compilerVersion;
    private final long loadMillis;
    private final Semaphore permits = new Semaphore(POOL_SIZE);
    private final ConcurrentLinkedDeque<JsGuest> idle = new ConcurrentLinkedDeque<>();
    private final TranspileCache cache = new TranspileCache(CACHE_ENTRIES, CACHE_BYTES);
    /** An instance whose memory grew past this is replaced by a fresh one from the snapshot. */
    volatile long recycleThresholdBytes = 128L << 20;

    final AtomicLong transpiles = new AtomicLong();
    final AtomicLong cacheHits = new AtomicLong();
    final AtomicLong recycles = new AtomicLong();

    private TypeScriptTranspiler() {
        long start = System.nanoTime();
        this.factory = TypeScriptSnapshot.load();
        JsGuest first = newInstance();
        GuestResponse version = first.run(request(GuestRequest.GLOBAL, "ts.version", List.of()));
        if (version.error() != null) {
            throw new IllegalStateException(
                    "the TypeScript compiler did not load: " + version.error().summary());
        }
        this.compilerVersion = version.value().asText();
        idle.push(first);
        this.loadMillis = (System.nanoTime() - start) / 1_000_000;
        LOG.log(
                Level.INFO,
                "TypeScript {0} compiler ready in {1} ms (transpiler snapshot {2} MiB)",
                compilerVersion,
                loadMillis,
                factory.snapshot.memoryBytes() >> 20);
        if (!VERSION.equals(compilerVersion)) {
            LOG.log(Level.WARNING, "the TypeScript WebJar is {0}, expected {1}", compilerVersion, VERSION);
        }
    }

    /** {@code ts.version} as the loaded compiler reports it. */
    String compilerVersion() {
        return compilerVersion;
    }

    long loadMillis() {
        return loadMillis;
    }

    /**
     * Erases the types of {@code source}. Syntax errors and module syntax come back as the result's error;
     * a failure of the compiler itself too (the sandbox stays usable). Only an interruption (the run's
     * timeout) is thrown, as {@link ChicoryInterruptedException}.
     */
    Result transpile(String source) {
        Result cached = cache.get(source);
        if (cached != null) {
            cacheHits.incrementAndGet();
            return cached;
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("interrupted while waiting for the TypeScript compiler");
        }
        JsGuest instance = null;
        boolean reusable = false;
        try {
            instance = idle.pollFirst();
            if (instance == null) instance = newInstance();
            transpiles.incrementAndGet();
            GuestResponse response =
                    instance.run(request(GuestRequest.INVOKE, TRANSPILE, List.of(TextNode.valueOf(source))));
            reusable = !response.outOfMemory();
            Result result = TranspileResults.of(response);
            if (response.error() == null) cache.put(source, result);
            return result;
        } catch (ChicoryInterruptedException e) {
            throw e;
        } catch (GuestCrashedException e) {
            return TranspileResults.failed(
                    ErrorKind.INTERNAL,
                    e.error().type(),
                    "the TypeScript compiler failed: " + e.error().message());
        } catch (RuntimeException | StackOverflowError e) {
            if (Thread.currentThread().isInterrupted()) throw new ChicoryInterruptedException(e);
            LOG.log(Level.DEBUG, "the TypeScript compiler failed", e);
            return TranspileResults.failed(ErrorKind.INTERNAL, "InternalError", "the TypeScript compiler failed: " + e);
        } finally {
            if (instance != null) {
                if (reusable && instance.memoryBytes() <= recycleThresholdBytes) {
                    idle.push(instance);
                } else {
                    LOG.log(
                            Level.DEBUG,
                            "TypeScript transpiler instance replaced ({0}, {1} MiB)",
                            reusable ? "memory over the threshold" : "failed or interrupted",
                            instance.memoryBytes() >> 20);
                    instance.close();
                    recycles.incrementAndGet();
                }
            }
            permits.release();
        }
    }

    private JsGuest newInstance() {
        return JsGuest.quiet(factory, MEMORY_CAP_BYTES);
    }

    private static GuestRequest request(String mode, String target, List<JsonNode> args) {
        return GuestRequest.builder(mode)
                .fileName("<typescript>")
                .target(target)
                .invokeArgs(args)
                .build();
    }

    /** For tests: forget cached results. */
    void clearCache() {
        cache.clear();
    }

    /** For tests: memory of the idle transpiler instances. */
    List<Long> idleMemory() {
        List<Long> sizes = new ArrayList<>();
        for (JsGuest g : idle) sizes.add(g.memoryBytes());
        return sizes;
    }
}
