package io.wasmbox.samples.service;

import io.wasmbox.CodeTooLargeException;
import io.wasmbox.ExecutionResult;
import io.wasmbox.InputTooLargeException;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.OutputListener;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Wasmbox;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs executions, each in a fresh sandbox closed afterwards, at most {@code maxConcurrent} at once, shared
 * fairly between clients ({@link FairScheduler}). Up to {@code queueSize} more wait for a slot, at most
 * {@code clientShare} running or waiting per client; beyond that, admission fails with 429 at once rather
 * than letting requests pile up.
 */
final class Runner {
    private final ServiceConfig config;
    private final FairScheduler scheduler;

    Runner(ServiceConfig config) {
        this.config = config;
        this.scheduler = new FairScheduler(
                config.maxConcurrent(), config.maxConcurrent() + config.queueSize(), config.clientShare());
    }

    /** A place in the queue (or a running slot) for {@code count} executions of a client; release it when done. */
    final class Admission implements AutoCloseable {
        private final String client;
        private final int count;
        private boolean released;

        private Admission(String client, int count) {
            this.client = client;
            this.count = count;
        }

        String client() {
            return client;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                scheduler.release(client, count);
            }
        }
    }

    /** Admits {@code count} executions of {@code client} at once, or throws 429 when the queue or its share is full. */
    Admission admit(String client, int count) {
        FairScheduler.Refusal refusal = scheduler.admit(client, count);
        if (refusal == FairScheduler.Refusal.QUEUE_FULL) {
            throw new ApiError(
                    429,
                    "queue_full",
                    "the execution queue is full (" + config.maxConcurrent() + " running, " + config.queueSize()
                            + " waiting at most); retry shortly",
                    Map.of("Retry-After", "1"));
        }
        if (refusal == FairScheduler.Refusal.CLIENT_SHARE) {
            throw new ApiError(
                    429,
                    "client_queue_full",
                    "this client already has its share of executions running or " + "waiting (" + config.clientShare()
                            + " at most); retry when some have finished",
                    Map.of("Retry-After", "1"));
        }
        return new Admission(client, count);
    }

    int running() {
        return scheduler.running();
    }

    int queued() {
        return scheduler.queued();
    }

    /** What one execution produced, with its timings. */
    record Outcome(String id, ExecutionRequest request, ExecutionResult result, long queueMillis, String status) {
        long executionMillis() {
            return result.duration().toMillis();
        }
    }

    /**
     * Waits for a slot (the caller holds an admission), then runs the request in a fresh sandbox.
     *
     * @param onStart called when the execution leaves the queue
     * @param listener receives output as it is produced
     */
    Outcome run(Admission admission, String id, ExecutionRequest request, Runnable onStart, OutputListener listener) {
        long queuedAt = System.nanoTime();
        String client = admission.client();
        try {
            if (!scheduler.acquire(client, config.queueTimeout().toNanos())) {
                throw new ApiError(
                        503,
                        "queue_timeout",
                        "no execution slot became free within "
                                + config.queueTimeout().toMillis() + " ms; retry later",
                        Map.of("Retry-After", "5"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted", "the service is shutting down");
        }
        long queueMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt);
        try {
            onStart.run();
            RunOptions options;
            try {
                options = RunOptions.builder()
                        .stdin(request.stdin())
                        .args(request.args())
                        .env(request.env())
                        .fileName(request.fileName())
                        .outputListener(listener)
                        .build();
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(Http.clean(e.getMessage()));
            }
            ExecutionResult result;
            SandboxOptions.Builder sandboxOptions = SandboxOptions.builder().limits(request.limits());
            if (config.realtime()) sandboxOptions.realtime();
            try (Sandbox sandbox = Wasmbox.interpreter(request.language().id())
                    .sandbox()
                    .options(sandboxOptions.build())
                    .build()) {
                result = sandbox.run(request.code(), options);
            } catch (CodeTooLargeException e) {
                throw new ApiError(413, "code_too_large", e.getMessage());
            } catch (InputTooLargeException e) {
                throw new ApiError(413, "stdin_too_large", e.getMessage());
            } catch (InvalidCodeException e) {
                throw ApiError.badRequest(Http.clean(e.getMessage()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(Http.clean(e.getMessage()));
            }
            return new Outcome(id, request, result, queueMillis, status(result));
        } finally {
            scheduler.releaseSlot(client);
        }
    }

    /**
     * Waits for a slot (the caller holds an admission), runs {@code work} in it and gives the slot back: a
     * kernel's cell shares the execution slots, fairly, with every other execution.
     *
     * @throws InterruptedException when the caller is interrupted while waiting for the slot
     */
    <T> T inSlot(Admission admission, Supplier<T> work) throws InterruptedException {
        String client = admission.client();
        if (!scheduler.acquire(client, config.queueTimeout().toNanos())) {
            throw new ApiError(
                    503,
                    "queue_timeout",
                    "no execution slot became free within "
                            + config.queueTimeout().toMillis() + " ms; retry later");
        }
        try {
            return work.get();
        } finally {
            scheduler.releaseSlot(client);
        }
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** success | error | timeout | memory_limit (a run stopped at its CPU-time limit is a timeout, flagged apart). */
    static String status(ExecutionResult r) {
        if (r.timeoutHit() || r.cpuTimeLimitHit()) return "timeout";
        if (r.memoryLimitHit()) return "memory_limit";
        if (r.error() != null || r.exitCode() != 0) return "error";
        return "success";
    }
}
