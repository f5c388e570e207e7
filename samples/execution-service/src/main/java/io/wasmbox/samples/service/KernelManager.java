package io.wasmbox.samples.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernels alive in the service: starts them within the caps (in total and per client), finds them, shuts
 * them down, culls the idle ones, and flushes their output on a timer.
 */
final class KernelManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KernelManager.class.getName());

    private final ServiceConfig config;
    private final Runner runner;
    private final KernelSpecs specs;
    private final Kernel.CellLog log;
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong culled = new AtomicLong();

    KernelManager(ServiceConfig config, Runner runner, KernelSpecs specs, Kernel.CellLog log) {
        this.log = log;
        this.config = config;
        this.runner = runner;
        this.specs = specs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wasmbox-kernels");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushAll, 100, 100, TimeUnit.MILLISECONDS);
        Duration idle = config.kernels().idleTimeout();
        if (!idle.isZero()) {
            long every = Math.max(50, Math.min(60_000, idle.toMillis() / 4));
            timer.scheduleWithFixedDelay(this::cull, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Sessions kept at most (a session lives only as long as its kernel). */
    int maxSessions() {
        return config.kernels().max() * 4;
    }

    KernelSpecs specs() {
        return specs;
    }

    /**
     * Starts a kernel of the named spec for a client.
     *
     * @throws ApiError 400 for an unknown spec, 429 when the client or the service holds its most kernels
     */
    Kernel start(String specName, String client) {
        String name = specName == null || specName.isBlank() ? specs.defaultName() : specName;
        KernelSpecs.Spec spec = specs.find(name)
                .orElseThrow(() -> ApiError.badRequest("no such kernel spec: '" + AuditLog.truncate(name, 64)
                        + "'; available: " + String.join(", ", specs.names())));
        ServiceConfig.Kernels k = config.kernels();
        synchronized (this) {
            if (kernels.size() >= k.max()) {
                throw new ApiError(
                        429,
                        "too_many_kernels",
                        "the service already runs its most kernels (" + k.max()
                                + "); shut one down (DELETE /api/kernels/{id}) or retry later",
                        Map.of("Retry-After", "5"));
            }
            long mine = kernels.values().stream()
                    .filter(x -> x.client.equals(client))
                    .count();
            if (mine >= k.perClient()) {
                throw new ApiError(
                        429,
                        "client_kernel_limit",
                        "this client already has its most kernels (" + k.perClient()
                                + "); shut one down (DELETE /api/kernels/{id}) first",
                        Map.of("Retry-After", "5"));
            }
            Kernel kernel;
            try {
                kernel = new Kernel(spec, client, config, runner, log, this::shutdownFromKernel);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot start a " + spec.name() + " kernel", e);
                throw new ApiError(
                        503,
                        "kernel_start_failed",
                        "the " + spec.name() + " kernel could not start: " + Http.clean(e.getMessage()));
            }
            kernels.put(kernel.id, kernel);
            started.incrementAndGet();
            return kernel;
        }
    }

    Kernel get(String id) {
        Kernel k = id == null ? null : kernels.get(id);
        if (k == null) throw new ApiError(404, "kernel_not_found", "no kernel " + AuditLog.truncate(id, 64));
        return k;
    }

    boolean exists(String id) {
        return id != null && kernels.containsKey(id);
    }

    List<Kernel> list() {
        List<Kernel> all = new ArrayList<>(kernels.values());
        all.sort(Comparator.comparing(Kernel::lastActivity));
        return all;
    }

    void shutdown(String id, String reason) {
        Kernel k = kernels.remove(id);
        if (k != null) k.shutdown(reason);
    }

    private void shutdownFromKernel(Kernel k) {
        shutdown(k.id, "kernel shut down");
    }

    private void flushAll() {
        try {
            for (Kernel k : kernels.values()) k.flushOutput();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "flushing kernel output", e);
        }
    }

    /** Shuts down every kernel that ran nothing for the idle timeout (a running cell keeps its kernel). */
    void cull() {
        Instant before = Instant.now().minus(config.kernels().idleTimeout());
        for (Kernel k : kernels.values()) {
            if (k.state().equals("idle") && k.lastActivity().isBefore(before)) {
                culled.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "culling kernel " + k.id + " (idle since " + k.lastActivity() + ")");
                shutdown(
                        k.id,
                        "kernel culled after " + config.kernels().idleTimeout().toSeconds() + " s idle");
            }
        }
    }

    /** The kernels' part of {@code /api/v1/stats}. */
    Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Integer> byLanguage = new TreeMap<>();
        long busy = 0;
        long cells = 0;
        for (Kernel k : kernels.values()) {
            byLanguage.merge(k.spec.name(), 1, Integer::sum);
            if (k.state().equals("busy")) busy++;
            cells += k.cellsRun();
        }
        m.put("running", kernels.size());
        m.put("busy", busy);
        m.put("by_language", byLanguage);
        m.put("cells_in_running_kernels", cells);
        m.put("started", started.get());
        m.put("culled", culled.get());
        m.put("max", config.kernels().max());
        m.put("max_per_client", config.kernels().perClient());
        return m;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (String id : List.copyOf(kernels.keySet())) shutdown(id, "service stopping");
    }
}
