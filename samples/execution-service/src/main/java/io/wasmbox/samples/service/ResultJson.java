package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Language;
import io.wasmbox.Units;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the v1 API's answers: an execution's result, a refusal, a rejected batch item, limits. */
final class ResultJson {
    private ResultJson() {}

    /** The result of an execution, as /execute returns it (and the stream's {@code result} event). */
    static Map<String, Object> result(Runner.Outcome o) {
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
        meta.put("limits", limits(o.request()));
        m.put("metadata", meta);
        return m;
    }

    /** A refused request, as the v1 API answers it. */
    static Map<String, Object> error(ApiError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", e.status());
        m.put("error", e.code());
        m.put("message", e.getMessage());
        return m;
    }

    /** A batch item that could not run. */
    static Map<String, Object> rejected(String id, String type, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", id);
        m.put("status", "rejected");
        m.put("error", Map.of("type", type, "message", message));
        return m;
    }

    /** The limits a run ran into, by name. */
    static List<String> limitsHit(ExecutionResult r) {
        List<String> hit = new ArrayList<>();
        if (r.timeoutHit()) hit.add("timeout");
        if (r.cpuTimeLimitHit()) hit.add("cpu_time");
        if (r.memoryLimitHit()) hit.add("memory");
        if (r.outputTruncated()) hit.add("output");
        return hit;
    }

    /** The limits a request ran under. */
    static Map<String, Object> limits(ExecutionRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeoutMs", req.timeoutMs());
        m.put("maxMemoryMB", req.memoryMiB());
        m.put("maxOutputSize", req.maxOutputBytes());
        if (req.limits().cpuTime() != null)
            m.put("cpuTimeMs", req.limits().cpuTime().toMillis());
        return m;
    }
}
