package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.Interpreter;
import io.wasmbox.Language;
import io.wasmbox.Limits;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated execution: the language resolved, the limits checked against the service ceilings.
 *
 * @param language the resolved language
 * @param code the code to run
 * @param fileName name the guest reports for the script, or null
 * @param stdin text given as standard input
 * @param args arguments after the script name
 * @param env the guest's whole environment
 * @param limits the effective sandbox limits
 */
record ExecutionRequest(
        Language language,
        String code,
        String fileName,
        String stdin,
        List<String> args,
        Map<String, String> env,
        Limits limits) {

    private static final Set<String> FIELDS = Set.of("code", "language", "stdin", "args", "env", "limits");
    private static final Set<String> LIMIT_FIELDS = Set.of("timeoutMs", "maxMemoryMB", "maxOutputSize", "cpuTimeMs");

    /** The requested limits before defaults; null fields take the service defaults (no CPU-time limit). */
    record RequestedLimits(Long timeoutMs, Long memoryMiB, Long outputBytes, Long cpuTimeMs) {
        static final RequestedLimits NONE = new RequestedLimits(null, null, null, null);

        RequestedLimits(Long timeoutMs, Long memoryMiB, Long outputBytes) {
            this(timeoutMs, memoryMiB, outputBytes, null);
        }
    }

    /** Reads a v1 request object; {@code where} prefixes field names in errors (e.g. {@code requests[2].}). */
    static ExecutionRequest fromJson(JsonNode node, String where, ServiceConfig config) {
        if (node == null || !node.isObject())
            throw ApiError.badRequest(label(where, "request") + " must be a JSON object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.badRequest(
                        "unknown field '" + where + f + "'; allowed: code, language, stdin, args, env, limits");
            }
        }
        Language language = language(text(node, "language", where, true), where + "language");
        String code = text(node, "code", where, true);
        String stdin = text(node, "stdin", where, false);
        List<String> args = stringList(node.get("args"), where + "args");
        Map<String, String> env = stringMap(node.get("env"), where + "env");
        RequestedLimits requested = RequestedLimits.NONE;
        JsonNode limits = node.get("limits");
        if (limits != null && !limits.isNull()) {
            if (!limits.isObject()) throw ApiError.badRequest("'" + where + "limits' must be an object");
            for (Iterator<String> it = limits.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!LIMIT_FIELDS.contains(f)) {
                    throw ApiError.badRequest("unknown field '" + where + "limits." + f
                            + "'; allowed: timeoutMs, maxMemoryMB, maxOutputSize, cpuTimeMs");
                }
            }
            requested = new RequestedLimits(
                    integer(limits.get("timeoutMs"), where + "limits.timeoutMs"),
                    integer(limits.get("maxMemoryMB"), where + "limits.maxMemoryMB"),
                    integer(limits.get("maxOutputSize"), where + "limits.maxOutputSize"),
                    integer(limits.get("cpuTimeMs"), where + "limits.cpuTimeMs"));
        }
        return of(language, code, null, stdin == null ? "" : stdin, args, env, requested, config, where + "limits.");
    }

    private static final String WASM = "wasm";

    /**
     * The largest code accepted: {@code --max-code} for source; for a WebAssembly module (base64, a third
     * larger than its binary; a Rust hello world is ~118 KB of it) as much as the body may hold.
     */
    static long codeCap(Language language, ServiceConfig config) {
        return language.id().equals(WASM)
                ? Math.max(config.maxCodeBytes(), config.maxBodyBytes())
                : config.maxCodeBytes();
    }

    /** Checks sizes and limits against the service settings and builds the request. */
    static ExecutionRequest of(
            Language language,
            String code,
            String fileName,
            String stdin,
            List<String> args,
            Map<String, String> env,
            RequestedLimits requested,
            ServiceConfig config,
            String limitPrefix) {
        if (code.isBlank()) throw ApiError.badRequest("code is empty");
        long codeCap = codeCap(language, config);
        long codeBytes = code.getBytes(StandardCharsets.UTF_8).length;
        if (codeBytes > codeCap) {
            throw new ApiError(
                    413,
                    "code_too_large",
                    "code is " + codeBytes + " bytes, over the limit of " + codeCap + " bytes"
                            + (language.id().equals(WASM) ? " (a module may be as large as --max-body)" : ""));
        }
        long stdinBytes = stdin.getBytes(StandardCharsets.UTF_8).length;
        if (stdinBytes > config.maxStdinBytes()) {
            throw new ApiError(
                    413,
                    "stdin_too_large",
                    "stdin is " + stdinBytes + " bytes, over the limit of " + config.maxStdinBytes() + " bytes");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw ApiError.badRequest(
                        "invalid environment variable name '" + AuditLog.truncate(name.replace('\0', '?'), 100) + "'");
            }
            if (e.getValue().indexOf('\0') >= 0) {
                throw ApiError.badRequest(
                        "environment variable '" + AuditLog.truncate(name, 100) + "' contains a NUL character");
            }
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).indexOf('\0') >= 0) throw ApiError.badRequest("'args[" + i + "]' contains a NUL character");
        }
        long minMemoryMiB = minimumMemoryMiB(language);
        long timeoutMs = range(
                requested.timeoutMs(),
                config.defaultTimeout().toMillis(),
                1,
                config.maxTimeout().toMillis(),
                limitPrefix + "timeoutMs");
        long memoryMiB = range(
                requested.memoryMiB(),
                Math.max(config.defaultMemoryMiB(), minMemoryMiB),
                minMemoryMiB,
                config.maxMemoryMiB(),
                limitPrefix + "maxMemoryMB");
        long outputBytes = range(
                requested.outputBytes(),
                config.defaultOutputBytes(),
                0,
                config.maxOutputBytes(),
                limitPrefix + "maxOutputSize");
        Long cpuTimeMs = requested.cpuTimeMs() == null
                ? null
                : range(requested.cpuTimeMs(), 0, 1, config.maxTimeout().toMillis(), limitPrefix + "cpuTimeMs");
        Limits limits = Limits.builder()
                .timeout(Duration.ofMillis(timeoutMs))
                .cpuTime(cpuTimeMs == null ? null : Duration.ofMillis(cpuTimeMs))
                .memoryMiB(memoryMiB)
                .maxOutputBytes(outputBytes)
                .maxCodeBytes(codeCap)
                .maxStdinBytes(Math.max(config.maxStdinBytes(), 1))
                .build();
        return new ExecutionRequest(language, code, fileName, stdin, List.copyOf(args), Map.copyOf(env), limits);
    }

    /** Resolves a language by name or alias; unknown is a 400 listing what is available. */
    static Language language(String name, String field) {
        return Wasmbox.findLanguage(name)
                .orElseThrow(() -> ApiError.badRequest("unknown language '" + AuditLog.truncate(name, 100)
                        + "' in '" + field + "'; available: "
                        + String.join(
                                ", ",
                                Wasmbox.languages().stream().map(Language::id).toList())));
    }

    /** Smallest memory cap the language can start with, in MiB (prepares its interpreter if needed). */
    static long minimumMemoryMiB(Language language) {
        Interpreter interpreter = Wasmbox.interpreter(language.id());
        return (interpreter.minimumMemoryBytes() + Units.MIB - 1) / Units.MIB;
    }

    private static long range(Long requested, long fallback, long min, long max, String field) {
        if (requested == null) return Math.min(Math.max(fallback, min), max);
        if (requested < min || requested > max) {
            throw ApiError.badRequest("'" + field + "' must be between " + min + " and " + max + ", got " + requested);
        }
        return requested;
    }

    long timeoutMs() {
        return limits.timeout().toMillis();
    }

    long memoryMiB() {
        return limits.memoryBytes() / Units.MIB;
    }

    long maxOutputBytes() {
        return limits.maxOutputBytes();
    }

    private static String label(String where, String fallback) {
        return where.isEmpty() ? fallback : "'" + where.substring(0, where.length() - 1) + "'";
    }

    static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw ApiError.badRequest("missing required field '" + where + field + "'");
            return null;
        }
        if (!v.isTextual()) throw ApiError.badRequest("'" + where + field + "' must be a string");
        return v.textValue();
    }

    static Long integer(JsonNode v, String field) {
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.badRequest("'" + field + "' must be an integer, got " + v);
        }
        return v.longValue();
    }

    static List<String> stringList(JsonNode v, String field) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw ApiError.badRequest("'" + field + "' must be an array of strings");
        List<String> list = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) throw ApiError.badRequest("'" + field + "[" + i + "]' must be a string");
            list.add(e.textValue());
        }
        return list;
    }

    static Map<String, String> stringMap(JsonNode v, String field) {
        if (v == null || v.isNull()) return Map.of();
        if (!v.isObject()) throw ApiError.badRequest("'" + field + "' must be an object of strings");
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual())
                throw ApiError.badRequest("'" + field + "." + e.getKey() + "' must be a string");
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }
}
