package io.wasmbox.samples.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.Language;
import io.wasmbox.OutputListener;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Piston's v2 API ({@code GET /api/v2/runtimes}, {@code POST /api/v2/execute}) with its request and
 * response shapes and its validation messages, so existing Piston clients work unchanged. Errors are
 * {@code {"message": ...}} as Piston sends them. Piston's units are kept: timeouts in ms, memory in bytes.
 */
final class PistonApi {
    /** Languages Piston runs through a compile stage; its clients expect a {@code compile} object for them. */
    private static final List<String> COMPILED = List.of("typescript", "rust", "c", "cpp");
    /** The error type of a rust, c or cpp run whose source did not compile (its message holds the diagnostics). */
    private static final String COMPILE_ERROR = "CompileError";

    private static final Pattern NUMBERS = Pattern.compile("\\d+(?:\\.\\d+){0,2}");

    private final Api api;

    PistonApi(Api api) {
        this.api = api;
    }

    /** A runtime as Piston lists it: the language id, a semver version, the other names as aliases. */
    record Runtime(Language info, String version) {}

    static List<Runtime> runtimes() {
        return Wasmbox.languages().stream()
                .map(l -> new Runtime(l, semver(l.languageVersion())))
                .toList();
    }

    /** Piston versions are semver: {@code 3.13.0} stays, {@code ECMAScript 2023} becomes {@code 2023.0.0}. */
    static String semver(String version) {
        Matcher m = NUMBERS.matcher(version);
        if (!m.find()) return "0.0.0";
        String[] parts = m.group().split("\\.");
        return parts[0] + "." + (parts.length > 1 ? parts[1] : "0") + "." + (parts.length > 2 ? parts[2] : "0");
    }

    /** GET /api/v2/runtimes. */
    void runtimes(Exchange exchange) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Runtime rt : runtimes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("language", rt.info().id());
            m.put("version", rt.version());
            m.put(
                    "aliases",
                    rt.info().names().stream()
                            .filter(n -> !n.equals(rt.info().id()))
                            .toList());
            list.add(m);
        }
        Http.sendJson(exchange, 200, list);
    }

    /** POST /api/v2/execute. */
    void execute(Exchange exchange) throws IOException {
        api.audited("/api/v2/execute", exchange, call -> {
            call.client = api.identity.client(exchange);
            byte[] body = Http.readBody(exchange, api.config.maxBodyBytes(), api.config.requestTimeout());
            api.rateLimit(call.client, 1);
            JsonNode node;
            try {
                node = Http.parseJson(body);
            } catch (ApiError e) {
                // Piston answers 415 to a non-JSON content type; the piston-client package sends its JSON
                // as text/plain, so a body that parses is accepted whatever its declared type.
                if (Http.isJsonContentType(exchange)) throw e;
                throw new ApiError(415, "unsupported_media_type", "requests must be of type application/json");
            }
            call.node = auditView(node);
            Job job = parse(node);
            Runner.Outcome outcome;
            StringBuilder output = new StringBuilder(); // stdout and stderr interleaved, as Piston's "output"
            OutputListener listener = new OutputListener() {
                @Override
                public void stdout(String text) {
                    synchronized (output) {
                        output.append(text);
                    }
                }

                @Override
                public void stderr(String text) {
                    synchronized (output) {
                        output.append(text);
                    }
                }
            };
            try (Runner.Admission admission = api.runner.admit(call.client, 1)) {
                outcome = api.runner.run(admission, Runner.newId(), job.request(), () -> {}, listener);
            }
            api.trail.recordExecution(call, outcome);
            String combined;
            synchronized (output) {
                combined = output.toString();
            }
            Http.sendJson(exchange, 200, response(job, outcome, combined));
        });
    }

    private record Job(Runtime runtime, ExecutionRequest request) {}

    /** Validates as Piston's get_job does, in the same order and with the same messages. */
    private Job parse(JsonNode body) {
        if (!body.isObject()) throw ApiError.badRequest("language is required as a string");
        JsonNode language = body.get("language");
        if (language == null || !language.isTextual() || language.textValue().isEmpty()) {
            throw ApiError.badRequest("language is required as a string");
        }
        JsonNode version = body.get("version");
        if (version == null || !version.isTextual() || version.textValue().isEmpty()) {
            throw ApiError.badRequest("version is required as a string");
        }
        JsonNode files = body.get("files");
        if (files == null || !files.isArray()) throw ApiError.badRequest("files is required as an array");
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).path("content").isTextual()) {
                throw ApiError.badRequest("files[" + i + "].content is required as a string");
            }
        }
        Runtime rt = find(language.textValue(), version.textValue())
                .orElseThrow(() -> ApiError.badRequest(AuditLog.truncate(language.textValue(), 100) + "-"
                        + AuditLog.truncate(version.textValue(), 100) + " runtime is unknown"));
        JsonNode main = null;
        for (JsonNode f : files) {
            String enc = f.path("encoding").asText("utf8");
            if (!f.has("encoding") || f.get("encoding").isNull() || enc.equals("utf8")) {
                main = f;
                break;
            }
        }
        if (main == null) throw ApiError.badRequest("files must include at least one utf8 encoded file");
        // As Piston with its default configuration: run limits above the ceiling are refused; memory limits
        // of -1 mean "no particular limit" (the piston-client package sends -1); compile limits only need to be
        // numbers, as there is no separate compile stage here.
        Long runTimeout =
                constraint(body, "run_timeout", api.config.maxTimeout().toMillis(), false);
        Long runCpu = constraint(body, "run_cpu_time", api.config.maxTimeout().toMillis(), false);
        Long runMemory = constraint(body, "run_memory_limit", api.config.maxMemoryMiB() * Units.MIB, true);
        for (String compile : List.of("compile_timeout", "compile_cpu_time", "compile_memory_limit")) {
            constraint(body, compile, Long.MAX_VALUE, true);
        }
        List<String> args = ExecutionRequest.stringList(body.get("args"), "args");
        JsonNode stdinNode = body.get("stdin");
        if (stdinNode != null && !stdinNode.isNull() && !stdinNode.isTextual()) {
            throw ApiError.badRequest("If specified, stdin must be a string");
        }
        String stdin = stdinNode == null || stdinNode.isNull() ? "" : stdinNode.textValue();
        if (!stdin.endsWith("\n")) stdin += "\n"; // Piston always ends stdin with a newline
        String name =
                main.path("name").isTextual() && !main.path("name").textValue().isBlank()
                        ? main.path("name").textValue()
                        : "file0.code";
        Long memoryMiB = null;
        if (runMemory != null) {
            long min = ExecutionRequest.minimumMemoryMiB(rt.info());
            memoryMiB = Math.max(min, (runMemory + Units.MIB - 1) / Units.MIB);
            if (memoryMiB > api.config.maxMemoryMiB()) memoryMiB = api.config.maxMemoryMiB();
        }
        ExecutionRequest request = ExecutionRequest.of(
                rt.info(),
                main.path("content").textValue(),
                name,
                stdin,
                args,
                Map.of(),
                new ExecutionRequest.RequestedLimits(runTimeout, memoryMiB, null, runCpu),
                api.config,
                "");
        // other files (Piston writes them beside the main one) are decoded to check them, but the sandbox
        // has no file system to put them in: only the first utf8 file runs.
        for (JsonNode f : files) decode(f);
        return new Job(rt, request);
    }

    /**
     * A Piston limit: absent, null or 0 means the default; otherwise a number within the ceiling, and
     * non-negative unless {@code negativeIsDefault}.
     */
    private static Long constraint(JsonNode body, String name, long ceiling, boolean negativeIsDefault) {
        JsonNode v = body.get(name);
        if (v == null
                || v.isNull()
                || (v.isNumber() && v.asDouble() == 0)
                || (v.isBoolean() && !v.booleanValue())
                || (v.isTextual() && v.textValue().isEmpty())) {
            return null;
        }
        if (!v.isNumber()) throw ApiError.badRequest("If specified, " + name + " must be a number");
        if (v.asDouble() < 0 && negativeIsDefault) return null;
        if (v.asDouble() > ceiling)
            throw ApiError.badRequest(name + " cannot exceed the configured limit of " + ceiling);
        if (v.asDouble() < 0) throw ApiError.badRequest(name + " must be non-negative");
        return Math.max(1, (long) Math.ceil(v.asDouble()));
    }

    private static String decode(JsonNode file) {
        String content = file.path("content").textValue();
        String enc = file.path("encoding").asText("utf8");
        try {
            return switch (enc) {
                case "base64" -> new String(Base64.getDecoder().decode(content), StandardCharsets.UTF_8);
                case "hex" -> new String(HexFormat.of().parseHex(content), StandardCharsets.UTF_8);
                default -> content;
            };
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(
                    "file " + AuditLog.truncate(file.path("name").asText("?"), 100) + " is not valid "
                            + AuditLog.truncate(enc, 20));
        }
    }

    /** Piston's runtime lookup: language or alias, then a semver range ({@code *}, {@code 3.x}, {@code 3.13.0}, ...). */
    static Optional<Runtime> find(String language, String range) {
        String lang = language.toLowerCase(Locale.ROOT);
        return runtimes().stream()
                .filter(rt -> rt.info().id().equals(lang)
                        || rt.info().names().stream()
                                .anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(lang)))
                .filter(rt -> satisfies(rt.version(), range)
                        || rt.info().languageVersion().equalsIgnoreCase(range))
                .findFirst();
    }

    /** The subset of semver ranges Piston clients send: *, x, exact, partial (3, 3.13), x-wildcards, ^ and ~. */
    static boolean satisfies(String version, String range) {
        String r = range.trim();
        if (r.isEmpty()) return false;
        if (r.equals("*") || r.equalsIgnoreCase("x") || r.equalsIgnoreCase("latest")) return true;
        int[] v = parse(version);
        char op = r.charAt(0);
        if (op == '^' || op == '~' || op == '=' || op == 'v') r = r.substring(1).trim();
        String[] want = r.split("\\.");
        if (want.length > 3) return false;
        int exactParts = op == '^' ? 1 : op == '~' ? Math.min(2, want.length) : want.length;
        for (int i = 0; i < want.length; i++) {
            String w = want[i];
            if (w.equals("*") || w.equalsIgnoreCase("x")) return true;
            int n;
            try {
                n = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                return false;
            }
            if (i < exactParts) {
                if (v[i] != n) return false;
            } else if (v[i] != n) {
                return v[i] > n; // ^ / ~ : anything at or above the given minor/patch
            }
        }
        return true;
    }

    private static int[] parse(String version) {
        String[] p = version.split("\\.");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < p.length; i++) v[i] = Integer.parseInt(p[i]);
        return v;
    }

    private static Map<String, Object> response(Job job, Runner.Outcome o, String output) {
        ExecutionResult r = o.result();
        Map<String, Object> run = new LinkedHashMap<>();
        boolean killed = r.timeoutHit()
                || r.cpuTimeLimitHit()
                || (r.error() != null
                        && GuestError.OUT_OF_MEMORY.equals(r.error().type()));
        String stderr = r.stderr();
        if (r.error() != null && !killed) {
            // a process dying of an uncaught error prints its traceback on stderr; Piston clients look there
            String trace = r.error().stackTrace().isBlank()
                    ? r.error().summary()
                    : r.error().stackTrace();
            if (!trace.endsWith("\n")) trace += "\n";
            if (!stderr.isEmpty() && !stderr.endsWith("\n")) trace = "\n" + trace;
            stderr += trace;
            output += trace;
        }
        run.put("stdout", r.stdout());
        run.put("stderr", stderr);
        run.put("code", killed ? null : r.exitCode());
        run.put("signal", killed ? "SIGKILL" : null);
        run.put("output", output);
        run.put("memory", r.peakMemoryBytes());
        String status;
        String message;
        if (r.timeoutHit()) {
            status = "TO";
            message = "Time limit exceeded";
        } else if (r.cpuTimeLimitHit()) {
            status = "TO";
            message = "CPU time limit exceeded";
        } else if (killed) {
            status = "SG";
            message = "Memory limit exceeded";
        } else if (r.outputTruncated()) {
            status = "OL";
            message = "output length exceeded";
        } else if (r.exitCode() != 0) {
            status = "RE";
            message = "Exited with error status " + r.exitCode();
        } else {
            status = null;
            message = null;
        }
        run.put("message", message);
        run.put("status", status);
        run.put("cpu_time", r.cpuTime() != null ? r.cpuTime().toMillis() : o.executionMillis()); // the guest thread's
        run.put("wall_time", o.executionMillis());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("language", job.runtime().info().id());
        m.put("version", job.runtime().version());
        m.put("run", run);
        if (COMPILED.contains(job.runtime().info().id())) {
            boolean failed = r.error() != null && COMPILE_ERROR.equals(r.error().type());
            String diagnostics = failed ? r.error().message() : "";
            Map<String, Object> compile = new LinkedHashMap<>();
            compile.put("stdout", "");
            compile.put("stderr", diagnostics);
            compile.put("code", failed ? 1 : 0);
            compile.put("signal", null);
            compile.put("output", diagnostics);
            compile.put("memory", null);
            compile.put("message", null);
            compile.put("status", null);
            compile.put("cpu_time", 0);
            compile.put("wall_time", 0);
            m.put("compile", compile);
        }
        return m;
    }

    /** The language and first file's content, for the audit record of a refused request. */
    private static JsonNode auditView(JsonNode body) {
        if (body == null || !body.isObject()) return null;
        var view = Http.JSON.createObjectNode();
        if (body.path("language").isTextual())
            view.put("language", body.path("language").textValue());
        JsonNode first = body.path("files").path(0).path("content");
        if (first.isTextual()) view.put("code", first.textValue());
        return view;
    }
}
