package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Exactly one bounded audit line per request, and the statistics that go with it: executions, refusals,
 * requests refused before an endpoint, batches, cut streams and Jupyter cells.
 */
final class AuditTrail {
    private final AuditLog audit;
    private final Stats stats;

    AuditTrail(AuditLog audit, Stats stats) {
        this.audit = audit;
        this.stats = stats;
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

    /** Counts and audits a finished execution. */
    void recordExecution(Call call, Runner.Outcome o) {
        stats.executed(o.request().language().id(), o.status(), o.executionMillis());
        Map<String, Object> a = base(
                call.endpoint,
                call.client,
                o.id(),
                o.request().language().id(),
                o.request().code());
        a.putAll(executionAudit(o));
        finish(call, a);
    }

    /** An execution's fields of an audit line (a batch item's too). */
    static Map<String, Object> executionAudit(Runner.Outcome o) {
        ExecutionResult r = o.result();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("outcome", o.status());
        a.put("http_status", 200);
        a.put("exit_code", r.exitCode());
        a.put("error_type", r.error() == null ? null : r.error().type());
        a.put("queue_ms", o.queueMillis());
        a.put("execution_ms", o.executionMillis());
        a.put("limits", ResultJson.limits(o.request()));
        a.put("limits_hit", ResultJson.limitsHit(r));
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
        Map<String, Object> a = base(call.endpoint, call.client, null, language, code);
        a.put("outcome", "rejected:" + error.code());
        a.put("http_status", error.status());
        a.put("message", error.getMessage());
        finish(call, a);
    }

    /** Audits a request refused before it reached an endpoint (404, 405, 403, 401, bad HTTP). */
    void recordRouting(String path, String method, String client, ApiError error) {
        stats.rejected(error.code());
        Map<String, Object> a = base(path, client, null, null, null);
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
        Map<String, Object> a = base("kernel:" + kernelId, client, null, language, code);
        a.put("outcome", outcome);
        a.put("execution_ms", millis);
        if (result != null) {
            a.put("exit_code", result.exitCode());
            a.put("error_type", result.error() == null ? null : result.error().type());
            a.put("limits_hit", ResultJson.limitsHit(result));
        }
        audit.write(client, a);
    }

    private static Map<String, Object> base(String endpoint, String client, String id, String language, String code) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("time", Instant.now().toString());
        a.put("execution_id", id);
        a.put("endpoint", endpoint);
        a.put("client", client);
        a.put("language", language);
        a.put("code_sha256", code == null ? null : Sha256.hex(code));
        a.put("code_bytes", code == null ? null : code.getBytes(StandardCharsets.UTF_8).length);
        return a;
    }

    /** Audits a batch: one line listing its items' outcomes. */
    void recordBatch(Call call, List<Object> items) {
        Map<String, Object> a = base(call.endpoint, call.client, null, null, null);
        a.put("outcome", "batch");
        a.put("http_status", 200);
        a.put("items", items);
        finish(call, a);
    }

    /** A batch item's entry in its batch's line, before its outcome. */
    static Map<String, Object> batchItem(String id, ExecutionRequest request) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("execution_id", id);
        a.put("language", request.language().id());
        a.put("code_sha256", Sha256.hex(request.code()));
        a.put("code_bytes", request.code().getBytes(StandardCharsets.UTF_8).length);
        return a;
    }

    /** Counts a batch item that could not run (its line is part of the batch's). */
    void rejectedItem(String code) {
        stats.rejected(code);
    }

    /** Counts a batch item that ran (its line is part of the batch's). */
    void executedItem(Runner.Outcome o) {
        stats.executed(o.request().language().id(), o.status(), o.executionMillis());
    }

    /** Counts and audits a stream that was cut (its client stalled or left) and its run stopped. */
    void recordCut(Call call, String id, ExecutionRequest request, String reason, String message, long pending) {
        stats.rejected(reason);
        Map<String, Object> a =
                base(call.endpoint, call.client, id, request.language().id(), request.code());
        a.put("outcome", "cut:" + reason);
        a.put("http_status", 200);
        a.put("message", message);
        a.put("pending_chars", pending);
        finish(call, a);
    }

    /** The request's one line: its total time, written, and the call marked recorded. */
    private void finish(Call call, Map<String, Object> a) {
        a.put("total_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.start));
        call.recorded = true;
        audit.write(call.client, a);
    }
}
