package io.wasmbox.samples.service;

import io.wasmbox.Language;
import io.wasmbox.Wasmbox;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepares each language's interpreter (loading its compiled module, snapshotting its set-up guest) in
 * the background at start-up, so the first request of each language does not pay for it. Requests that
 * arrive earlier simply wait for the preparation (Wasmbox does it once per JVM).
 */
final class Warmup {
    private static final System.Logger LOG = System.getLogger(Warmup.class.getName());

    private final Map<String, String> states = new ConcurrentHashMap<>();

    void start(boolean eager) {
        for (Language l : Wasmbox.languages()) states.put(l.id(), eager ? "loading" : "lazy");
        if (!eager) return;
        Thread.ofPlatform().daemon().name("wasmbox-warmup").start(() -> {
            for (Language l : Wasmbox.languages()) {
                long t0 = System.nanoTime();
                try {
                    Wasmbox.interpreter(l.id()).newSandbox().close();
                    states.put(l.id(), "ready");
                    LOG.log(Level.INFO, "{0} ready in {1} ms", l.id(), (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException | LinkageError e) {
                    states.put(l.id(), "failed: " + e);
                    LOG.log(Level.ERROR, "preparing " + l.id() + " failed", e);
                }
            }
        });
    }

    /** language -> lazy | loading | ready | failed: ... */
    Map<String, String> states() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Language l : Wasmbox.languages()) m.put(l.id(), states.getOrDefault(l.id(), "lazy"));
        return m;
    }
}
