package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.jsr223.WasmboxBindings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.junit.jupiter.api.Test;

/**
 * Throwaway Bindings leak nothing: very many {@code createBindings()} per language, each used for one
 * eval of a compiled script on 4 threads and dropped (the JMeter pattern); half of them hold a
 * function that closes over its own Bindings. Afterwards every sandbox
 * has been closed by the Cleaner, the heap (after GC) is back within 10% of where it was after
 * warm-up, and no thread was left behind. Counts: {@code jsr223.soak.js} / {@code jsr223.soak.python}
 * (defaults sized to stay within a couple of minutes on 2 cores; measured figures in docs/SECURITY.md).
 */
class Jsr223SoakTest {
    private static final int JS = Integer.getInteger("jsr223.soak.js", 10_000);
    private static final int PYTHON = Integer.getInteger("jsr223.soak.python", 1_000);
    private static final int THREADS = 4;

    @Test
    void throwawayBindingsAreClosedAndLeaveNothingBehind() throws Exception {
        ScriptEngine js = new ScriptEngineManager().getEngineByName(Languages.JS);
        ScriptEngine python = new ScriptEngineManager().getEngineByName(Languages.PYTHON);
        CompiledScript jsScript = ((Compilable) js).compile("label + ':' + (n * 2)");
        CompiledScript pyScript = ((Compilable) python).compile("label + ':' + str(n * 2)");
        run(js, jsScript, 200);
        run(python, pyScript, 50);
        long openBefore = settle(); // the engines' own default scopes stay open
        long heapBefore = HostHealth.heapAfterGc();
        List<String> threadsBefore = HostHealth.nonGuestThreads();
        long start = System.nanoTime();
        long wrong = run(js, jsScript, JS) + run(python, pyScript, PYTHON);
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        long open = settle() - openBefore;
        // idle guest threads keep their last call (and its sandbox) until they leave the pool
        HostHealth.awaitGuestThreadsGone(Duration.ofSeconds(45));
        long heapAfter = HostHealth.heapAfterGc();
        List<String> threadsAfter = HostHealth.nonGuestThreads();
        System.out.printf(
                "jsr223 soak: %d JavaScript + %d Python throwaway Bindings in %d s; sandboxes still open %d;"
                        + " heap after GC %d -> %d MiB; threads %d -> %d%n",
                JS,
                PYTHON,
                seconds,
                open,
                heapBefore >> 20,
                heapAfter >> 20,
                threadsBefore.size(),
                threadsAfter.size());
        assertThat(wrong).as("wrong answers").isZero();
        assertThat(open)
                .as("sandboxes of unreachable Bindings still open (%d before)", openBefore)
                .isZero();
        assertThat(heapAfter)
                .as("heap after GC within 10%% of its start (%d MiB)", heapBefore >> 20)
                .isLessThanOrEqualTo(heapBefore + heapBefore / 10);
        assertThat(threadsAfter.size()).as("threads " + threadsAfter).isLessThanOrEqualTo(threadsBefore.size());
    }

    private static long run(ScriptEngine engine, CompiledScript script, int count) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String label = "t" + t;
                futures.add(pool.submit(() -> {
                    long n;
                    while ((n = next.getAndIncrement()) < count) {
                        Bindings b = engine.createBindings();
                        b.put("label", label);
                        b.put("n", n);
                        if (n % 2 == 0) b.put("self", (Supplier<Object>) () -> b.get("label"));
                        if (!(label + ":" + n * 2).equals(script.eval(b))) wrong.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        return wrong.get();
    }

    /** Runs GC until the Cleaner stops closing sandboxes (or 60 s); the count still open. */
    private static long settle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long last = Long.MAX_VALUE;
        int stable = 0;
        while (stable < 5 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(200);
            long open = WasmboxBindings.openSandboxes();
            stable = open == last ? stable + 1 : 0;
            last = open;
        }
        return last;
    }
}
