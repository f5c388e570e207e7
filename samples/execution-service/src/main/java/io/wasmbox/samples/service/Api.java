package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Limits;
import io.wasmbox.OutputListener;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.LanguageInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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

    Api(ServiceConfig config, Runner runner, RateLimiter limiter, AuditLog audit, Stats stats, Warmup warmup) {
        this.config = config;
        this.runner = runner;
        this.limiter = limiter;
        this.audit = audit;
        this.stats = stats;
        this.warmup = warmup;
    }

    // ---- shared by the execution endpoints ------------------------------------------------------------

    /** The client for rate limits and audit: a digest of its API key when it sends one, else its IP. */
    String client(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst(config.apiKeyHeader());
        if (key != null && !key.isBlank()) return "key:" + sha256(key).substring(0, 16); // never log the key itself
        if (config.trustProxy()) {
            String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) return "ip:" + forwarded.split(",")[0].trim();
        }
        return "ip:" + exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    void rateLimit(String client, int tokens) {
        long wait = limiter.tryAcquire(client, tokens);
        if (wait > 0) {
            throw new ApiError(429, "rate_limited", "rate limit exceeded for this client (" + (long) config.ratePerMinute()
                    + " executions per minute, burst " + config.rateBurst() + "); retry in " + wait + " s",
                    Map.of("Retry-After", Long.toString(wait)));
        }
    }

    /** Counts and audits a finished execution. */
    void recordExecution(String endpoint, String client, Runner.Outcome o, long startNanos) {
        stats.executed(o.request().language().id(), o.status(), o.executionMillis());
        ExecutionResult r = o.result();
        Map<String, Object> a = auditBase(endpoint, client, o.id(), o.request().language().id(), o.request().code());
        a.put("outcome", o.status());
        a.put("http_status", 200);
        a.put("exit_code", r.exitCode());
        a.put("error_type", r.error() == null ? null : r.error().type());
        a.put("queue_ms", o.queueMillis());
        a.put("execution_ms", o.executionMillis());
        a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        a.put("limits", limitsJson(o.request()));
        a.put("limits_hit", limitsHit(r));
        audit.write(a);
    }

    /** Counts and audits a refused request; {@code node} may hold the language and code, or be null. */
    void recordRejection(String endpoint, String client, JsonNode node, ApiError error, long startNanos) {
        stats.rejected(error.code());
        String language = node != null && node.path("language").isTextual() ? node.path("language").textValue() : null;
        String code = node != null && node.path("code").isTextual() ? node.path("code").textValue() : null;
        Map<String, Object> a = auditBase(endpoint, client, null, language, code);
        a.put("outcome", "rejected:" + error.code());
        a.put("http_status", error.status());
        a.put("message", error.getMessage());
        a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        audit.write(a);
    }

    private static Map<String, Object> auditBase(String endpoint, String client, String id, String language, String code) {
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
        if (r.memoryLimitHit()) hit.add("memory");
        if (r.outputTruncated()) hit.add("output");
        return hit;
    }

    static Map<String, Object> limitsJson(ExecutionRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeoutMs", req.timeoutMs());
        m.put("maxMemoryMB", req.memoryMiB());
        m.put("maxOutputSize", req.maxOutputBytes());
        return m;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- v1 endpoints ---------------------------------------------------------------------------------

    /** POST /api/v1/execute. */
    void execute(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String client = client(exchange);
        stats.request();
        JsonNode node = null;
        try {
            byte[] body = Http.readBody(exchange, config.maxBodyBytes());
            rateLimit(client, 1);
            node = Http.parseJson(body);
            ExecutionRequest request = ExecutionRequest.fromJson(node, "", config);
            Runner.Outcome outcome;
            try (Runner.Admission ignored = runner.admit(1)) {
                outcome = runner.run(Runner.newId(), request, () -> {}, OutputListener.NONE);
            }
            recordExecution("/api/v1/execute", client, outcome, start);
            Http.sendJson(exchange, 200, resultJson(outcome));
        } catch (ApiError e) {
            recordRejection("/api/v1/execute", client, node, e, start);
            throw e;
        }
    }

    /** POST /api/v1/execute/batch: {@code {requests: [...]}}, run in parallel, results in order. */
    void batch(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String client = client(exchange);
        stats.request();
        JsonNode node = null;
        try {
            byte[] body = Http.readBody(exchange, config.maxBodyBytes());
            node = Http.parseJson(body);
            if (!node.isObject()) throw ApiError.badRequest("request body must be a JSON object {\"requests\": [...]}");
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("requests")) throw ApiError.badRequest("unknown field '" + f + "'; allowed: requests");
            }
            JsonNode items = node.get("requests");
            if (items == null || !items.isArray()) throw ApiError.badRequest("missing required array 'requests'");
            if (items.isEmpty()) throw ApiError.badRequest("'requests' is empty");
            if (items.size() > config.batchMax()) {
                throw ApiError.badRequest("'requests' has " + items.size() + " entries; at most " + config.batchMax()
                        + " per batch");
            }
            rateLimit(client, items.size());
            List<ExecutionRequest> requests = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                requests.add(ExecutionRequest.fromJson(items.get(i), "requests[" + i + "].", config));
            }
            List<CompletableFuture<Map<String, Object>>> results = new ArrayList<>();
            try (Runner.Admission ignored = runner.admit(requests.size())) {
                for (ExecutionRequest request : requests) {
                    CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
                    Thread.ofVirtual().name("batch-item").start(() -> f.complete(batchItem(client, request, start)));
                    results.add(f);
                }
                List<Object> out = new ArrayList<>();
                for (CompletableFuture<Map<String, Object>> f : results) out.add(f.join());
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("results", out);
                Http.sendJson(exchange, 200, response);
            }
        } catch (ApiError e) {
            recordRejection("/api/v1/execute/batch", client, null, e, start);
            throw e;
        }
    }

    private Map<String, Object> batchItem(String client, ExecutionRequest request, long start) {
        String id = Runner.newId();
        try {
            Runner.Outcome o = runner.run(id, request, () -> {}, OutputListener.NONE);
            recordExecution("/api/v1/execute/batch", client, o, start);
            return resultJson(o);
        } catch (ApiError e) {
            recordRejection("/api/v1/execute/batch", client, null, e, start);
            return rejected(id, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "batch item failed", e);
            return rejected(id, "internal_error", "internal error: " + e.getClass().getSimpleName());
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
     * message}}) if the run could not happen after the stream began.
     */
    void stream(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String client = client(exchange);
        stats.request();
        JsonNode node = null;
        ExecutionRequest request;
        Runner.Admission admission;
        try {
            byte[] body = Http.readBody(exchange, config.maxBodyBytes());
            rateLimit(client, 1);
            node = Http.parseJson(body);
            request = ExecutionRequest.fromJson(node, "", config);
            admission = runner.admit(1);
        } catch (ApiError e) {
            recordRejection("/api/v1/execute/stream", client, node, e, start);
            throw e;
        }
        String id = Runner.newId();
        // The guest thread only enqueues (it must never block on a slow client); this thread writes.
        BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(String text) {
                events.add(new String[] {"stdout", text});
            }

            @Override
            public void stderr(String text) {
                events.add(new String[] {"stderr", text});
            }
        };
        String[] end = {"end", null};
        Runner.Outcome[] outcome = new Runner.Outcome[1];
        ApiError[] failure = new ApiError[1];
        Thread.ofVirtual().name("stream-" + id).start(() -> {
            try (admission) {
                outcome[0] = runner.run(id, request, () -> events.add(new String[] {"start", null}), listener);
            } catch (ApiError e) {
                failure[0] = e;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "streamed execution failed", e);
                failure[0] = new ApiError(500, "internal_error", "internal error: " + e.getClass().getSimpleName());
            } finally {
                events.add(end);
            }
        });
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.getResponseHeaders().set("X-Execution-Id", id);
        exchange.sendResponseHeaders(200, 0); // chunked
        OutputStream out = exchange.getResponseBody();
        boolean clientGone = false;
        try {
            while (true) {
                String[] event = events.take();
                String name;
                Object data;
                if (event == end) {
                    if (outcome[0] != null) {
                        recordExecution("/api/v1/execute/stream", client, outcome[0], start);
                        name = "result";
                        data = resultJson(outcome[0]);
                    } else {
                        recordRejection("/api/v1/execute/stream", client, node, failure[0], start);
                        name = "error";
                        data = errorJson(failure[0]);
                    }
                } else if (event[0].equals("start")) {
                    name = "start";
                    data = Map.of("execution_id", id, "language", request.language().id(),
                            "version", request.language().languageVersion());
                } else {
                    name = event[0];
                    data = Map.of("text", event[1]);
                }
                if (!clientGone) {
                    try {
                        out.write(("event: " + name + "\ndata: " + Http.JSON.writeValueAsString(data) + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        clientGone = true; // keep draining: the run ends at its timeout anyway
                    }
                }
                if (event == end) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                out.close();
            } catch (IOException ignored) {
                // client gone
            }
            exchange.close();
        }
    }

    /** GET /api/v1/health. */
    void health(HttpExchange exchange) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("languages", warmup.states());
        m.put("running", runner.running());
        m.put("queued", runner.queued());
        Http.sendJson(exchange, 200, m);
    }

    /** GET /api/v1/stats. */
    void stats(HttpExchange exchange) throws IOException {
        Http.sendJson(exchange, 200, stats.snapshot(runner.running(), runner.queued()));
    }

    /** GET /api/v1/config: effective limits and service settings. */
    void config(HttpExchange exchange) throws IOException {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("timeoutMs", Map.of("default", config.defaultTimeout().toMillis(), "max", config.maxTimeout().toMillis()));
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
    void runtimes(HttpExchange exchange) throws IOException {
        List<Object> list = new ArrayList<>();
        for (LanguageInfo l : Wasmbox.languages()) {
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
        LanguageInfo l = o.request().language();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", o.id());
        m.put("language", l.id());
        m.put("status", o.status());
        m.put("stdout", r.stdout());
        m.put("stderr", r.stderr());
        m.put("exit_code", r.exitCode());
        m.put("execution_time_ms", o.executionMillis());
        m.put("memory_used_mb", Math.round(r.peakMemoryBytes() * 10.0 / Limits.MIB) / 10.0);
        m.put("value", r.valueJson());
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
