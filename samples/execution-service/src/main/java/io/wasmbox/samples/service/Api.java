package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Language;
import io.wasmbox.OutputListener;
import io.wasmbox.Wasmbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The v1 JSON API's endpoints, and the skeleton every execution endpoint shares ({@link #audited}): who the
 * client is ({@link ClientIdentity}), its rate limit, one audit line whatever happens ({@link AuditTrail}), the
 * answers' shapes ({@link ResultJson}).
 */
final class Api {
    private static final System.Logger LOG = System.getLogger(Api.class.getName());

    final ServiceConfig config;
    final Runner runner;
    final RateLimiter limiter;
    final AuditLog audit;
    final Stats stats;
    final ClientIdentity identity;
    final AuditTrail trail;
    private final Warmup warmup;
    /** The Jupyter kernels' part of the statistics, once they exist. */
    volatile Supplier<Map<String, Object>> kernelStats;

    Api(ServiceConfig config, Runner runner, RateLimiter limiter, AuditLog audit, Stats stats, Warmup warmup) {
        this.config = config;
        this.runner = runner;
        this.limiter = limiter;
        this.audit = audit;
        this.stats = stats;
        this.warmup = warmup;
        this.identity = new ClientIdentity(config);
        this.trail = new AuditTrail(audit, stats);
    }

    // ---- shared by the execution endpoints ------------------------------------------------------------

    void rateLimit(String client, int tokens) {
        long wait = limiter.tryAcquire(client, tokens);
        if (wait > 0) {
            throw new ApiError(
                    429,
                    "rate_limited",
                    "rate limit exceeded for this client (" + (long) config.ratePerMinute()
                            + " executions per minute, burst " + config.rateBurst() + "); retry in " + wait + " s",
                    Map.of("Retry-After", Long.toString(wait)));
        }
    }

    @FunctionalInterface
    interface Body {
        void run(AuditTrail.Call call) throws IOException;
    }

    /**
     * Runs an execution endpoint so that it leaves exactly one audit line whatever happens: its own record,
     * or a refusal (a typed error, the client gone, or an internal error, which the client sees as a 500 that
     * names no class).
     */
    void audited(String endpoint, Exchange exchange, Body body) throws IOException {
        AuditTrail.Call call = new AuditTrail.Call(endpoint, "ip:" + exchange.remoteAddress());
        stats.request();
        try {
            call.client = "ip:" + identity.address(exchange);
            body.run(call);
        } catch (ApiError e) {
            if (!call.recorded) trail.recordRejection(call, e);
            throw e.markAudited();
        } catch (IOException e) {
            if (!call.recorded)
                trail.recordRejection(
                        call,
                        new ApiError(
                                499,
                                "client_gone",
                                "the connection failed: " + AuditLog.truncate(String.valueOf(e.getMessage()), 100)));
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + endpoint, e);
            ApiError internal = new ApiError(500, "internal_error", "internal error; see the service log");
            if (!call.recorded) trail.recordRejection(call, internal);
            throw internal.markAudited();
        }
    }

    // ---- v1 endpoints ---------------------------------------------------------------------------------

    /** POST /api/v1/execute. */
    void execute(Exchange exchange) throws IOException {
        audited("/api/v1/execute", exchange, call -> {
            call.client = identity.client(exchange);
            byte[] body = Http.readBody(exchange, config.maxBodyBytes(), config.requestTimeout());
            rateLimit(call.client, 1);
            call.node = Http.parseJson(body);
            ExecutionRequest request = ExecutionRequest.fromJson(call.node, "", config);
            Runner.Outcome outcome;
            try (Runner.Admission admission = runner.admit(call.client, 1)) {
                outcome = runner.run(admission, Runner.newId(), request, () -> {}, OutputListener.NONE);
            }
            trail.recordExecution(call, outcome);
            Http.sendJson(exchange, 200, ResultJson.result(outcome));
        });
    }

    /**
     * POST /api/v1/execute/batch: {@code {requests: [...]}}, run in parallel, results in order. The items
     * are the client's executions like any other (they count against its share); the batch leaves one audit
     * line listing its items.
     */
    void batch(Exchange exchange) throws IOException {
        audited("/api/v1/execute/batch", exchange, call -> {
            call.client = identity.client(exchange);
            byte[] body = Http.readBody(exchange, config.maxBodyBytes(), config.requestTimeout());
            JsonNode node = Http.parseJson(body);
            if (!node.isObject()) throw ApiError.badRequest("request body must be a JSON object {\"requests\": [...]}");
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("requests")) {
                    throw ApiError.badRequest("unknown field '" + AuditLog.truncate(f, 100) + "'; allowed: requests");
                }
            }
            JsonNode items = node.get("requests");
            if (items == null || !items.isArray()) throw ApiError.badRequest("missing required array 'requests'");
            if (items.isEmpty()) throw ApiError.badRequest("'requests' is empty");
            if (items.size() > config.batchMax()) {
                throw ApiError.badRequest(
                        "'requests' has " + items.size() + " entries; at most " + config.batchMax() + " per batch");
            }
            rateLimit(call.client, items.size());
            List<ExecutionRequest> requests = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                requests.add(ExecutionRequest.fromJson(items.get(i), "requests[" + i + "].", config));
            }
            List<CompletableFuture<Object[]>> results = new ArrayList<>();
            try (Runner.Admission admission = runner.admit(call.client, requests.size())) {
                for (ExecutionRequest request : requests) {
                    CompletableFuture<Object[]> f = new CompletableFuture<>();
                    Thread.ofVirtual().name("batch-item").start(() -> f.complete(batchItem(admission, request)));
                    results.add(f);
                }
                List<Object> out = new ArrayList<>();
                List<Object> audited = new ArrayList<>();
                for (CompletableFuture<Object[]> f : results) {
                    Object[] r = f.join();
                    out.add(r[0]);
                    audited.add(r[1]);
                }
                trail.recordBatch(call, audited);
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("results", out);
                Http.sendJson(exchange, 200, response);
            }
        });
    }

    /** Runs one batch item: its result object and its entry in the batch's audit line. */
    private Object[] batchItem(Runner.Admission admission, ExecutionRequest request) {
        String id = Runner.newId();
        Map<String, Object> a = AuditTrail.batchItem(id, request);
        try {
            Runner.Outcome o = runner.run(admission, id, request, () -> {}, OutputListener.NONE);
            trail.executedItem(o);
            a.putAll(AuditTrail.executionAudit(o));
            a.remove("limits");
            return new Object[] {ResultJson.result(o), a};
        } catch (ApiError e) {
            trail.rejectedItem(e.code());
            a.put("outcome", "rejected:" + e.code());
            a.put("message", e.getMessage());
            return new Object[] {ResultJson.rejected(id, e.code(), e.getMessage()), a};
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "batch item failed", e);
            trail.rejectedItem("internal_error");
            a.put("outcome", "rejected:internal_error");
            return new Object[] {ResultJson.rejected(id, "internal_error", "internal error; see the service log"), a};
        }
    }

    /**
     * POST /api/v1/execute/stream: Server-Sent Events. {@code start} when the run leaves the queue, then
     * {@code stdout}/{@code stderr} events ({@code {"text": ...}}) as output is produced, then one {@code
     * result} event (the same object as /execute returns), or {@code error} ({@code {status, error,
     * message}}) if the run could not happen after the stream began. A comment line every few seconds of
     * silence keeps the connection alive and finds clients that left.
     *
     * <p>Backpressure: output waiting for the client is bounded by the stream buffer; a client that does
     * not read it in time, or leaves, has its stream cut and its run stopped at once.
     */
    void stream(Exchange exchange) throws IOException {
        audited("/api/v1/execute/stream", exchange, call -> {
            call.client = identity.client(exchange);
            byte[] body = Http.readBody(exchange, config.maxBodyBytes(), config.requestTimeout());
            rateLimit(call.client, 1);
            call.node = Http.parseJson(body);
            ExecutionRequest request = ExecutionRequest.fromJson(call.node, "", config);
            Runner.Admission admission = runner.admit(call.client, 1);
            streamRun(exchange, call, request, admission);
        });
    }

    private void streamRun(
            Exchange exchange, AuditTrail.Call call, ExecutionRequest request, Runner.Admission admission)
            throws IOException {
        String id = Runner.newId();
        Thread[] runThread = new Thread[1];
        StreamBuffer buffer = new StreamBuffer(config.streamBufferBytes(), () -> {
            // the reader fell too far behind: stop the run, close the connection (unblocks a stalled write)
            runThread[0].interrupt();
            exchange.abort();
        });
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(String text) {
                buffer.add("stdout", text);
            }

            @Override
            public void stderr(String text) {
                buffer.add("stderr", text);
            }
        };
        Runner.Outcome[] outcome = new Runner.Outcome[1];
        ApiError[] failure = new ApiError[1];
        boolean[] cut = new boolean[1];
        runThread[0] = Thread.ofVirtual().name("stream-" + id).unstarted(() -> {
            try (admission) {
                outcome[0] = runner.run(admission, id, request, buffer::started, listener);
            } catch (ApiError e) {
                failure[0] = e;
            } catch (RuntimeException e) {
                synchronized (cut) {
                    if (!cut[0] && !buffer.overflowed())
                        LOG.log(System.Logger.Level.ERROR, "streamed execution failed", e);
                }
                failure[0] = new ApiError(500, "internal_error", "internal error; see the service log");
            } finally {
                buffer.end();
            }
        });
        runThread[0].start();
        exchange.setHeader("Cache-Control", "no-cache");
        exchange.setHeader("X-Accel-Buffering", "no");
        exchange.setHeader("X-Execution-Id", id);
        exchange.startStream(200, "text/event-stream; charset=utf-8");
        long keepAlive = Math.max(1, Math.min(15_000, config.idleTimeout().toMillis() / 2));
        String cutReason = null;
        try {
            exchange.writeChunk(": stream " + id + "\n\n");
            while (true) {
                StreamBuffer.Take take = buffer.take(TimeUnit.MILLISECONDS.toNanos(keepAlive));
                if (take == null) {
                    if (buffer.overflowed()) {
                        cutReason = "stream_stalled";
                        break;
                    }
                    exchange.writeChunk(": keep-alive\n\n");
                    continue;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (take.started()) {
                    event(
                            out,
                            "start",
                            Map.of(
                                    "execution_id",
                                    id,
                                    "language",
                                    request.language().id(),
                                    "version",
                                    request.language().languageVersion()));
                }
                for (String[] segment : take.segments()) event(out, segment[0], Map.of("text", segment[1]));
                if (take.end()) {
                    if (outcome[0] != null) {
                        trail.recordExecution(call, outcome[0]);
                        event(out, "result", ResultJson.result(outcome[0]));
                    } else {
                        trail.recordRejection(call, failure[0]);
                        event(out, "error", ResultJson.error(failure[0]));
                    }
                }
                exchange.writeChunk(out.toByteArray());
                if (take.end()) {
                    exchange.endStream();
                    return;
                }
            }
        } catch (IOException e) {
            cutReason = buffer.overflowed() ? "stream_stalled" : "client_gone";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cutReason = "interrupted";
        }
        // cut: stop the run (it would otherwise go on to its timeout for nobody) and close the connection
        synchronized (cut) {
            cut[0] = true;
        }
        runThread[0].interrupt();
        exchange.abort();
        try {
            runThread[0].join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!call.recorded) {
            String message = cutReason.equals("stream_stalled")
                    ? "the client did not read its stream; more than " + config.streamBufferBytes()
                            + " characters of output were waiting: run stopped"
                    : "the client left or stopped reading: run stopped";
            trail.recordCut(call, id, request, cutReason, message, buffer.pending());
        }
        throw new IOException("stream " + id + " cut: " + cutReason);
    }

    private static void event(ByteArrayOutputStream out, String name, Object data) throws IOException {
        out.write(("event: " + name + "\ndata: " + Http.JSON.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** GET /api/v1/health. */
    void health(Exchange exchange) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("languages", warmup.states());
        m.put("running", runner.running());
        m.put("queued", runner.queued());
        Http.sendJson(exchange, 200, m);
    }

    /** GET /api/v1/stats. */
    void stats(Exchange exchange) throws IOException {
        Map<String, Object> m = stats.snapshot(runner.running(), runner.queued());
        Supplier<Map<String, Object>> kernels = kernelStats;
        if (kernels != null) m.put("kernels", kernels.get());
        Http.sendJson(exchange, 200, m);
    }

    /** GET /api/v1/config: effective limits and service settings. */
    void config(Exchange exchange) throws IOException {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put(
                "timeoutMs",
                Map.of(
                        "default",
                        config.defaultTimeout().toMillis(),
                        "max",
                        config.maxTimeout().toMillis()));
        limits.put("maxMemoryMB", Map.of("default", config.defaultMemoryMiB(), "max", config.maxMemoryMiB()));
        limits.put("maxOutputSize", Map.of("default", config.defaultOutputBytes(), "max", config.maxOutputBytes()));
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("max_code_bytes", config.maxCodeBytes());
        service.put("max_stdin_bytes", config.maxStdinBytes());
        service.put("max_body_bytes", config.maxBodyBytes());
        service.put("max_concurrent", config.maxConcurrent());
        service.put("queue_size", config.queueSize());
        service.put("queue_timeout_ms", config.queueTimeout().toMillis());
        service.put("rate_limit_per_minute", config.ratePerMinute());
        service.put("rate_burst", config.rateBurst());
        service.put("api_key_header", config.apiKeyHeader());
        service.put("api_keys_required", !config.apiKeyHashes().isEmpty());
        service.put("client_share", config.clientShare());
        service.put("idle_timeout_ms", config.idleTimeout().toMillis());
        service.put("request_timeout_ms", config.requestTimeout().toMillis());
        service.put("stream_buffer_bytes", config.streamBufferBytes());
        service.put("batch_max", config.batchMax());
        service.put("audit_log", audit.enabled());
        service.put("audit_max_bytes", config.auditMaxBytes());
        service.put("audit_keep", config.auditKeep());
        service.put("realtime", config.realtime());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limits", limits);
        m.put("service", service);
        Http.sendJson(exchange, 200, m);
    }

    /** GET /api/v1/runtimes. */
    void runtimes(Exchange exchange) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Language l : Wasmbox.languages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("language", l.id());
            m.put("name", l.languageName());
            m.put("version", l.languageVersion());
            m.put("aliases", l.names().stream().filter(n -> !n.equals(l.id())).toList());
            m.put("extensions", l.extensions());
            m.put("runtime", l.engineName());
            m.put("engine_version", l.engineVersion());
            list.add(m);
        }
        Http.sendJson(exchange, 200, Map.of("runtimes", list));
    }
}
