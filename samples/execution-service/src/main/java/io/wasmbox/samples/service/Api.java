package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Language;
import io.wasmbox.OutputListener;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The v1 JSON API, and what every execution endpoint shares: client identity, rate limiting, admission,
 * statistics and the audit trail.
 */
final class Api {
    private static final System.Logger LOG = System.getLogger(Api.class.getName());

    final ServiceConfig config;
    final Runner runner;
    final RateLimiter limiter;
    final AuditLog audit;
    final Stats stats;
    private final Warmup warmup;
    private final List<AddressRange> trustedProxies;
    /** The Jupyter kernels' part of the statistics, once they exist. */
    volatile java.util.function.Supplier<Map<String, Object>> kernelStats;

    Api(ServiceConfig config, Runner runner, RateLimiter limiter, AuditLog audit, Stats stats, Warmup warmup) {
        this.config = config;
        this.runner = runner;
        this.limiter = limiter;
        this.audit = audit;
        this.stats = stats;
        this.warmup = warmup;
        this.trustedProxies =
                config.trustedProxies().stream().map(AddressRange::parse).toList();
    }

    // ---- shared by the execution endpoints ------------------------------------------------------------

    /**
     * The client for rate limits, fair shares and audit. With API keys configured, the key must be one of
     * them (401 otherwise) and the client is a digest of it (the key itself is never logged); without, the
     * client is its IP address, whatever key it sends.
     */
    String client(Exchange exchange) {
        if (!config.apiKeyHashes().isEmpty()) {
            String key = exchange.header(config.apiKeyHeader());
            if (key == null || key.isBlank()) {
                throw new ApiError(
                        401,
                        "missing_api_key",
                        "this service needs an API key in the " + config.apiKeyHeader() + " header");
            }
            String hash = sha256(key.strip());
            if (!config.apiKeyHashes().contains(hash)) throw new ApiError(401, "invalid_api_key", "unknown API key");
            return "key:" + hash.substring(0, 16);
        }
        return "ip:" + clientAddress(exchange);
    }

    /**
     * The client's IP address: the connection's peer, or, when the peer is one of the trusted proxies, the
     * right-most {@code X-Forwarded-For} hop that is not a trusted proxy (hops left of it were written by the
     * client and prove nothing).
     */
    String clientAddress(Exchange exchange) {
        String remote = exchange.remoteAddress();
        if (trustedProxies.isEmpty()) return remote;
        InetAddress peer = AddressRange.literal(remote);
        if (peer == null || !trusted(peer)) return remote;
        String forwarded = exchange.headerJoined("X-Forwarded-For");
        if (forwarded == null) return remote;
        String[] hops = forwarded.split(",", -1);
        String nearest = peer.getHostAddress();
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < 32; i--, seen++) {
            InetAddress hop = AddressRange.literal(withoutPort(hops[i].trim()));
            if (hop == null) return nearest; // not an address: stop at the last proxy we trust
            if (!trusted(hop)) return hop.getHostAddress();
            nearest = hop.getHostAddress();
        }
        return nearest;
    }

    private boolean trusted(InetAddress address) {
        for (AddressRange r : trustedProxies) if (r.contains(address)) return true;
        return false;
    }

    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(0, end + 1);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

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

    /** What an execution request is known to be so far, for its one audit line. */
    static final class Call {
        final String endpoint;
        final long start = System.nanoTime();
        String client;
        JsonNode node;
        boolean recorded;

        Call(String endpoint, String client) {
            this.endpoint = endpoint;
            this.client = client;
        }
    }

    @FunctionalInterface
    interface Body {
        void run(Call call) throws IOException;
    }

    /**
     * Runs an execution endpoint so that it leaves exactly one audit line whatever happens: its own record,
     * or a refusal (a typed error, the client gone, or an internal error, which the client sees as a 500 that
     * names no class).
     */
    void audited(String endpoint, Exchange exchange, Body body) throws IOException {
        Call call = new Call(endpoint, "ip:" + exchange.remoteAddress());
        stats.request();
        try {
            call.client = "ip:" + clientAddress(exchange);
            body.run(call);
        } catch (ApiError e) {
            if (!call.recorded) recordRejection(call, e);
            throw e.markAudited();
        } catch (IOException e) {
            if (!call.recorded)
                recordRejection(
                        call,
                        new ApiError(
                                499,
                                "client_gone",
                                "the connection failed: " + AuditLog.truncate(String.valueOf(e.getMessage()), 100)));
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + endpoint, e);
            ApiError internal = new ApiError(500, "internal_error", "internal error; see the service log");
            if (!call.recorded) recordRejection(call, internal);
            throw internal.markAudited();
        }
    }

    /** Counts and audits a finished execution. */
    void recordExecution(Call call, Runner.Outcome o) {
        stats.executed(o.request().language().id(), o.status(), o.executionMillis());
        Map<String, Object> a = auditBase(
                call.endpoint,
                call.client,
                o.id(),
                o.request().language().id(),
                o.request().code());
        a.putAll(executionAudit(o));
        a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.start));
        call.recorded = true;
        audit.write(call.client, a);
    }

    private static Map<String, Object> executionAudit(Runner.Outcome o) {
        ExecutionResult r = o.result();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("outcome", o.status());
        a.put("http_status", 200);
        a.put("exit_code", r.exitCode());
        a.put("error_type", r.error() == null ? null : r.error().type());
        a.put("queue_ms", o.queueMillis());
        a.put("execution_ms", o.executionMillis());
        a.put("limits", limitsJson(o.request()));
        a.put("limits_hit", limitsHit(r));
        return a;
    }

    /** Counts and audits a refused request; the call's node may hold the language and code. */
    void recordRejection(Call call, ApiError error) {
        stats.rejected(error.code());
        JsonNode node = call.node;
        String language = node != null && node.path("language").isTextual()
                ? node.path("language").textValue()
                : null;
        String code = node != null && node.path("code").isTextual()
                ? node.path("code").textValue()
                : null;
        Map<String, Object> a = auditBase(call.endpoint, call.client, null, language, code);
        a.put("outcome", "rejected:" + error.code());
        a.put("http_status", error.status());
        a.put("message", error.getMessage());
        a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.start));
        call.recorded = true;
        audit.write(call.client, a);
    }

    /** Audits a request refused before it reached an endpoint (404, 405, 403, 401, bad HTTP). */
    void recordRouting(String path, String method, String client, ApiError error) {
        stats.rejected(error.code());
        Map<String, Object> a = auditBase(path, client, null, null, null);
        a.put("method", method);
        a.put("outcome", "rejected:" + error.code());
        a.put("http_status", error.status());
        a.put("message", error.getMessage());
        audit.write(client, a);
    }

    /**
     * Audits one cell of a Jupyter kernel (kernels have no HTTP request per cell) and counts it in the statistics.
     *
     * @param result the run's result, or null when the cell did not run (interrupted before, refused, invalid)
     */
    void recordCell(
            String kernelId,
            String client,
            String language,
            String code,
            String outcome,
            long millis,
            ExecutionResult result) {
        stats.request();
        if (result != null) stats.executed(language, outcome, millis);
        Map<String, Object> a = auditBase("kernel:" + kernelId, client, null, language, code);
        a.put("outcome", outcome);
        a.put("execution_ms", millis);
        if (result != null) {
            a.put("exit_code", result.exitCode());
            a.put("error_type", result.error() == null ? null : result.error().type());
            a.put("limits_hit", limitsHit(result));
        }
        audit.write(client, a);
    }

    private static Map<String, Object> auditBase(
            String endpoint, String client, String id, String language, String code) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("time", Instant.now().toString());
        a.put("execution_id", id);
        a.put("endpoint", endpoint);
        a.put("client", client);
        a.put("language", language);
        a.put("code_sha256", code == null ? null : sha256(code));
        a.put("code_bytes", code == null ? null : code.getBytes(StandardCharsets.UTF_8).length);
        return a;
    }

    static List<String> limitsHit(ExecutionResult r) {
        List<String> hit = new ArrayList<>();
        if (r.timeoutHit()) hit.add("timeout");
        if (r.cpuTimeLimitHit()) hit.add("cpu_time");
        if (r.memoryLimitHit()) hit.add("memory");
        if (r.outputTruncated()) hit.add("output");
        return hit;
    }

    static Map<String, Object> limitsJson(ExecutionRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeoutMs", req.timeoutMs());
        m.put("maxMemoryMB", req.memoryMiB());
        m.put("maxOutputSize", req.maxOutputBytes());
        if (req.limits().cpuTime() != null)
            m.put("cpuTimeMs", req.limits().cpuTime().toMillis());
        return m;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- v1 endpoints ---------------------------------------------------------------------------------

    /** POST /api/v1/execute. */
    void execute(Exchange exchange) throws IOException {
        audited("/api/v1/execute", exchange, call -> {
            call.client = client(exchange);
            byte[] body = Http.readBody(exchange, config.maxBodyBytes(), config.requestTimeout());
            rateLimit(call.client, 1);
            call.node = Http.parseJson(body);
            ExecutionRequest request = ExecutionRequest.fromJson(call.node, "", config);
            Runner.Outcome outcome;
            try (Runner.Admission admission = runner.admit(call.client, 1)) {
                outcome = runner.run(admission, Runner.newId(), request, () -> {}, OutputListener.NONE);
            }
            recordExecution(call, outcome);
            Http.sendJson(exchange, 200, resultJson(outcome));
        });
    }

    /**
     * POST /api/v1/execute/batch: {@code {requests: [...]}}, run in parallel, results in order. The items
     * are the client's executions like any other (they count against its share); the batch leaves one audit
     * line listing its items.
     */
    void batch(Exchange exchange) throws IOException {
        audited("/api/v1/execute/batch", exchange, call -> {
            call.client = client(exchange);
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
                Map<String, Object> a = auditBase(call.endpoint, call.client, null, null, null);
                a.put("outcome", "batch");
                a.put("http_status", 200);
                a.put("items", audited);
                a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.start));
                call.recorded = true;
                audit.write(call.client, a);
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("results", out);
                Http.sendJson(exchange, 200, response);
            }
        });
    }

    /** Runs one batch item: its result object and its entry in the batch's audit line. */
    private Object[] batchItem(Runner.Admission admission, ExecutionRequest request) {
        String id = Runner.newId();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("execution_id", id);
        a.put("language", request.language().id());
        a.put("code_sha256", sha256(request.code()));
        a.put("code_bytes", request.code().getBytes(StandardCharsets.UTF_8).length);
        try {
            Runner.Outcome o = runner.run(admission, id, request, () -> {}, OutputListener.NONE);
            stats.executed(o.request().language().id(), o.status(), o.executionMillis());
            a.putAll(executionAudit(o));
            a.remove("limits");
            return new Object[] {resultJson(o), a};
        } catch (ApiError e) {
            stats.rejected(e.code());
            a.put("outcome", "rejected:" + e.code());
            a.put("message", e.getMessage());
            return new Object[] {rejected(id, e.code(), e.getMessage()), a};
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "batch item failed", e);
            stats.rejected("internal_error");
            a.put("outcome", "rejected:internal_error");
            return new Object[] {rejected(id, "internal_error", "internal error; see the service log"), a};
        }
    }

    private static Map<String, Object> rejected(String id, String type, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", id);
        m.put("status", "rejected");
        m.put("error", Map.of("type", type, "message", message));
        return m;
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
            call.client = client(exchange);
            byte[] body = Http.readBody(exchange, config.maxBodyBytes(), config.requestTimeout());
            rateLimit(call.client, 1);
            call.node = Http.parseJson(body);
            ExecutionRequest request = ExecutionRequest.fromJson(call.node, "", config);
            Runner.Admission admission = runner.admit(call.client, 1);
            streamRun(exchange, call, request, admission);
        });
    }

    private void streamRun(Exchange exchange, Call call, ExecutionRequest request, Runner.Admission admission)
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
                        recordExecution(call, outcome[0]);
                        event(out, "result", resultJson(outcome[0]));
                    } else {
                        recordRejection(call, failure[0]);
                        event(out, "error", errorJson(failure[0]));
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
            stats.rejected(cutReason);
            Map<String, Object> a =
                    auditBase(call.endpoint, call.client, id, request.language().id(), request.code());
            a.put("outcome", "cut:" + cutReason);
            a.put("http_status", 200);
            a.put(
                    "message",
                    cutReason.equals("stream_stalled")
                            ? "the client did not read its stream; more than " + config.streamBufferBytes()
                                    + " characters of output were waiting: run stopped"
                            : "the client left or stopped reading: run stopped");
            a.put("pending_chars", buffer.pending());
            a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.start));
            call.recorded = true;
            audit.write(call.client, a);
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
        java.util.function.Supplier<Map<String, Object>> kernels = kernelStats;
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

    // ---- JSON shapes ----------------------------------------------------------------------------------

    static Map<String, Object> resultJson(Runner.Outcome o) {
        ExecutionResult r = o.result();
        Language l = o.request().language();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", o.id());
        m.put("language", l.id());
        m.put("status", o.status());
        m.put("stdout", r.stdout());
        m.put("stderr", r.stderr());
        m.put("exit_code", r.exitCode());
        m.put("execution_time_ms", o.executionMillis());
        m.put("memory_used_mb", Math.round(r.peakMemoryBytes() * 10.0 / Units.MIB) / 10.0);
        m.put("value", r.valueAs(JsonNode.class));
        GuestError e = r.error();
        if (e == null) {
            m.put("error", null);
        } else {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("type", e.type());
            err.put("message", e.message());
            err.put("traceback", e.stackTrace());
            err.put("line", e.line() > 0 ? e.line() : null);
            m.put("error", err);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("timeout_hit", r.timeoutHit());
        meta.put("cpu_time_limit_hit", r.cpuTimeLimitHit());
        meta.put("cpu_time_ms", r.cpuTime() == null ? null : r.cpuTime().toMillis());
        meta.put("memory_limit_hit", r.memoryLimitHit());
        meta.put("output_truncated", r.outputTruncated());
        meta.put("runtime", l.engineName());
        meta.put("version", l.languageVersion());
        meta.put("queue_time_ms", o.queueMillis());
        meta.put("limits", limitsJson(o.request()));
        m.put("metadata", meta);
        return m;
    }

    static Map<String, Object> errorJson(ApiError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", e.status());
        m.put("error", e.code());
        m.put("message", e.getMessage());
        return m;
    }
}
