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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs executions, each in a fresh sandbox closed afterwards, at most {@code maxConcurrent} at once. Up
 * to {@code queueSize} more wait for a slot (first come, first served); beyond that, admission fails
 * with 429 at once rather than letting requests pile up.
 */
final class Runner {
    private final ServiceConfig config;
    /** Running + queued executions. */
    private final Semaphore admitted;
    /** Running executions. */
    private final Semaphore slots;

    Runner(ServiceConfig config) {
        this.config = config;
        this.admitted = new Semaphore(config.maxConcurrent() + config.queueSize());
        this.slots = new Semaphore(config.maxConcurrent(), true);
    }

    /** A place in the queue (or a running slot) for {@code count} executions; release it when done. */
    final class Admission implements AutoCloseable {
        private final int count;
        private boolean released;

        private Admission(int count) {
            this.count = count;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                admitted.release(count);
            }
        }
    }

    /** Admits {@code count} executions at once, or throws 429 when the queue is full. */
    Admission admit(int count) {
        if (!admitted.tryAcquire(count)) {
            throw new ApiError(429, "queue_full", "the execution queue is full (" + config.maxConcurrent()
                    + " running, " + config.queueSize() + " waiting at most); retry shortly", Map.of("Retry-After", "1"));
        }
        return new Admission(count);
    }

    int running() {
        return config.maxConcurrent() - slots.availablePermits();
    }

    int queued() {
        return Math.max(0, config.maxConcurrent() + config.queueSize() - admitted.availablePermits() - running());
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
    Outcome run(String id, ExecutionRequest request, Runnable onStart, OutputListener listener) {
        long queuedAt = System.nanoTime();
        try {
            if (!slots.tryAcquire(config.queueTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ApiError(503, "queue_timeout", "no execution slot became free within "
                        + config.queueTimeout().toMillis() + " ms; retry later", Map.of("Retry-After", "5"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted", "the service is shutting down");
        }
        long queueMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt);
        try {
            onStart.run();
            RunOptions options = RunOptions.builder()
                    .stdin(request.stdin())
                    .args(request.args())
                    .env(request.env())
                    .fileName(request.fileName())
                    .outputListener(listener)
                    .build();
            ExecutionResult result;
            SandboxOptions.Builder sandboxOptions = SandboxOptions.builder().limits(request.limits());
            if (config.realtime()) sandboxOptions.realtime();
            try (Sandbox sandbox = Wasmbox.interpreter(request.language().id()).newSandbox(sandboxOptions.build())) {
                result = sandbox.run(request.code(), options);
            } catch (CodeTooLargeException e) {
                throw new ApiError(413, "code_too_large", e.getMessage());
            } catch (InputTooLargeException e) {
                throw new ApiError(413, "stdin_too_large", e.getMessage());
            } catch (InvalidCodeException e) {
                throw ApiError.badRequest(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            return new Outcome(id, request, result, queueMillis, status(result));
        } finally {
            slots.release();
        }
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** success | error | timeout | memory_limit. */
    static String status(ExecutionResult r) {
        if (r.timeoutHit()) return "timeout";
        if (r.memoryLimitHit()) return "memory_limit";
        if (r.error() != null || r.exitCode() != 0) return "error";
        return "success";
    }
}
