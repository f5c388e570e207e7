package io.wasmbox.samples.service;

import io.wasmbox.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Settings of the execution service. Every setting has a default, a command-line flag ({@code --port 9000}
 * or {@code --port=9000}) and an environment variable ({@code WASMBOX_PORT}; {@code PORT} works too for the
 * port). A flag wins over the environment, which wins over the default.
 *
 * @param host address to bind
 * @param port TCP port (0 picks a free one)
 * @param maxTimeout ceiling for a request's timeout; requests may lower it, never raise it
 * @param defaultTimeout timeout of a request that names none
 * @param maxMemoryMiB ceiling for a request's memory cap
 * @param defaultMemoryMiB memory cap of a request that names none
 * @param maxOutputBytes ceiling for a request's combined stdout+stderr cap
 * @param defaultOutputBytes output cap of a request that names none
 * @param maxCodeBytes code larger than this is refused with 413
 * @param maxStdinBytes stdin larger than this is refused with 413
 * @param maxBodyBytes request bodies larger than this are refused with 413
 * @param maxConcurrent executions running at once
 * @param queueSize executions waiting for a slot at once; beyond it requests get 429
 * @param queueTimeout how long a queued execution waits for a slot before 503
 * @param ratePerMinute execution requests per client per minute (token refill rate); 0 disables limiting
 * @param rateBurst token bucket size: requests a client may make at once
 * @param apiKeyHeader header carrying the client's API key (checked when keys are configured)
 * @param trustedProxies addresses or CIDR ranges of the operator's reverse proxies: X-Forwarded-For is read
 *     only from them, right to left, and the right-most hop that is not one of them is the client
 * @param batchMax most requests in one batch
 * @param auditLog JSON-lines audit file, or null for none
 * @param auditMaxBytes rotate the audit file when it would grow past this
 * @param auditKeep rotated audit files kept
 * @param warmup prepare every interpreter at start-up rather than at its first request
 * @param realtime guests see the real clock and real randomness (else a frozen clock and seeded randomness)
 * @param apiKeyHashes SHA-256 (hex) of every accepted API key; empty: keys are not checked and clients are
 *     their IP address
 * @param publicOrigins origins (scheme://host[:port]) whose browser POSTs are accepted; empty: the service's own
 *     bind address (and localhost when bound to loopback)
 * @param idleTimeout a connection idle this long, or a response write blocked this long, is closed
 * @param requestTimeout longest time a client may take to send its request body
 * @param streamBufferBytes SSE output waiting for a slow reader beyond this cuts the stream and stops its run
 * @param clientShare executions one client may have running or waiting at once
 * @param maxConnections open connections at most; further ones wait in the accept queue
 * @param auditClientBudget audit bytes a client may write to the main audit file per minute; its lines beyond
 *     that go to the overflow file, so one client cannot rotate the others' records out
 * @param kernels the Jupyter kernels' settings
 */
record ServiceConfig(
        String host,
        int port,
        Duration maxTimeout,
        Duration defaultTimeout,
        long maxMemoryMiB,
        long defaultMemoryMiB,
        long maxOutputBytes,
        long defaultOutputBytes,
        long maxCodeBytes,
        long maxStdinBytes,
        long maxBodyBytes,
        int maxConcurrent,
        int queueSize,
        Duration queueTimeout,
        double ratePerMinute,
        int rateBurst,
        String apiKeyHeader,
        List<String> trustedProxies,
        int batchMax,
        Path auditLog,
        long auditMaxBytes,
        int auditKeep,
        boolean warmup,
        boolean realtime,
        Set<String> apiKeyHashes,
        List<String> publicOrigins,
        Duration idleTimeout,
        Duration requestTimeout,
        long streamBufferBytes,
        int clientShare,
        int maxConnections,
        long auditClientBudget,
        Kernels kernels) {

    /**
     * Settings of the Jupyter-compatible kernels ({@code /api/kernels}).
     *
     * @param token the token every kernel route needs ({@code ?token=} or {@code Authorization: token ...})
     * @param tokenGenerated true when no token was configured and this one was generated at start-up
     * @param cellTimeout wall-clock limit of one cell (a cell waiting for stdin included)
     * @param memoryMiB memory cap of each kernel's sandbox
     * @param idleTimeout a kernel that ran nothing for this long is shut down (zero: never)
     * @param max kernels alive at once in the service
     * @param perClient kernels alive at once per client
     * @param tokenEverywhere the token is needed on the v1 and Piston APIs too (not on health, the OpenAPI
     *     document and the playground's page)
     */
    record Kernels(
            String token,
            boolean tokenGenerated,
            Duration cellTimeout,
            long memoryMiB,
            Duration idleTimeout,
            int max,
            int perClient,
            boolean tokenEverywhere) {
        Kernels {
            if (token.isBlank() || token.length() > 512)
                throw new IllegalArgumentException("--token must be 1..512 characters");
            if (cellTimeout.isZero() || cellTimeout.isNegative())
                throw new IllegalArgumentException("--kernel-cell-timeout must be positive");
            if (memoryMiB < 1 || memoryMiB > 4096) throw new IllegalArgumentException("--kernel-memory must be 1m..4g");
            if (idleTimeout.isNegative())
                throw new IllegalArgumentException("--kernel-idle-timeout must not be negative");
            positive("max-kernels", max);
            positive("max-kernels-per-client", perClient);
        }

        @Override
        public String toString() {
            return "Kernels[token=(hidden), cellTimeout=" + cellTimeout + ", memoryMiB=" + memoryMiB + ", idleTimeout="
                    + idleTimeout + ", max=" + max + ", perClient=" + perClient + ", tokenEverywhere=" + tokenEverywhere
                    + "]";
        }
    }

    /** One setting: its flag, environment variable, default and description (also the --help text). */
    record Option(String name, String env, String defaultValue, String help) {
        String flag() {
            return "--" + name;
        }
    }

    static final List<Option> OPTIONS = List.of(
            new Option("host", "WASMBOX_HOST", "127.0.0.1", "address to bind (0.0.0.0 to listen on every interface)"),
            new Option("port", "PORT", "8080", "TCP port; 0 picks a free one (also WASMBOX_PORT)"),
            new Option("max-timeout", "WASMBOX_MAX_TIMEOUT", "30s", "ceiling for a request's timeoutMs"),
            new Option("default-timeout", "WASMBOX_DEFAULT_TIMEOUT", "5s", "timeout when a request names none"),
            new Option("max-memory", "WASMBOX_MAX_MEMORY", "256m", "ceiling for a request's maxMemoryMB"),
            new Option("default-memory", "WASMBOX_DEFAULT_MEMORY", "128m", "memory cap when a request names none"),
            new Option(
                    "max-output",
                    "WASMBOX_MAX_OUTPUT",
                    "1m",
                    "ceiling for a request's maxOutputSize (stdout+stderr bytes)"),
            new Option("default-output", "WASMBOX_DEFAULT_OUTPUT", "64k", "output cap when a request names none"),
            new Option("max-code", "WASMBOX_MAX_CODE", "64k", "largest code accepted (413 above)"),
            new Option("max-stdin", "WASMBOX_MAX_STDIN", "256k", "largest stdin accepted (413 above)"),
            new Option("max-body", "WASMBOX_MAX_BODY", "1m", "largest request body accepted (413 above)"),
            new Option(
                    "max-concurrent",
                    "WASMBOX_MAX_CONCURRENT",
                    "",
                    "executions running at once (default: CPU cores, at least 2)"),
            new Option("queue-size", "WASMBOX_QUEUE_SIZE", "32", "executions waiting for a slot; when full, 429"),
            new Option("queue-timeout", "WASMBOX_QUEUE_TIMEOUT", "30s", "longest wait for a slot before 503"),
            new Option(
                    "rate-limit",
                    "WASMBOX_RATE_LIMIT",
                    "120",
                    "execution requests per client per minute; 0 = unlimited"),
            new Option(
                    "rate-burst", "WASMBOX_RATE_BURST", "20", "requests a client may send at once (token bucket size)"),
            new Option(
                    "api-key-header",
                    "WASMBOX_API_KEY_HEADER",
                    "X-API-Key",
                    "header carrying the API key (checked against --api-keys-file / WASMBOX_API_KEYS)"),
            new Option(
                    "api-keys-file",
                    "WASMBOX_API_KEYS_FILE",
                    "",
                    "file of accepted API keys, one a line (or WASMBOX_API_KEYS=k1,k2); unknown keys get 401; none: clients are their IP"),
            new Option(
                    "trust-proxy",
                    "WASMBOX_TRUST_PROXY",
                    "",
                    "addresses or CIDR ranges of your reverse proxies (comma-separated); X-Forwarded-For is read only from them"),
            new Option(
                    "public-origin",
                    "WASMBOX_PUBLIC_ORIGIN",
                    "",
                    "origins whose browser POSTs are accepted, e.g. https://run.example.org (default: the bind address)"),
            new Option(
                    "batch-max",
                    "WASMBOX_BATCH_MAX",
                    "",
                    "most requests in one batch (default: 16, at most max-concurrent + queue-size)"),
            new Option(
                    "audit-log", "WASMBOX_AUDIT_LOG", "logs/audit.jsonl", "JSON-lines audit log file; 'off' for none"),
            new Option("audit-max-size", "WASMBOX_AUDIT_MAX_SIZE", "10m", "rotate the audit log at this size"),
            new Option("audit-keep", "WASMBOX_AUDIT_KEEP", "5", "rotated audit files kept (audit.jsonl.1 ... .N)"),
            new Option("warmup", "WASMBOX_WARMUP", "true", "prepare every interpreter at start-up"),
            new Option(
                    "realtime",
                    "WASMBOX_REALTIME",
                    "true",
                    "guests see the real clock and real randomness; false: frozen clock, seeded randomness (reproducible runs)"),
            new Option(
                    "idle-timeout",
                    "WASMBOX_IDLE_TIMEOUT",
                    "30s",
                    "close a connection idle (or a response write blocked) this long"),
            new Option(
                    "request-timeout",
                    "WASMBOX_REQUEST_TIMEOUT",
                    "30s",
                    "longest time a client may take to send its request body"),
            new Option(
                    "stream-buffer",
                    "WASMBOX_STREAM_BUFFER",
                    "256k",
                    "SSE output waiting for a slow reader beyond this cuts the stream and stops its run"),
            new Option(
                    "client-share",
                    "WASMBOX_CLIENT_SHARE",
                    "",
                    "executions one client may have running or queued (default: half of max-concurrent + queue-size, at least batch-max)"),
            new Option(
                    "max-connections",
                    "WASMBOX_MAX_CONNECTIONS",
                    "1000",
                    "open connections at most (more wait to be accepted)"),
            new Option(
                    "audit-client-budget",
                    "WASMBOX_AUDIT_CLIENT_BUDGET",
                    "",
                    "audit bytes per client per minute in the main file; beyond, its lines go to <audit-log>.overflow (default: audit-max-size/10, at least 16k)"),
            new Option(
                    "token",
                    "WASMBOX_TOKEN",
                    "",
                    "token the Jupyter kernel API needs (?token= or 'Authorization: token ...'); none: one is generated and printed"),
            new Option(
                    "kernel-cell-timeout",
                    "WASMBOX_KERNEL_CELL_TIMEOUT",
                    "",
                    "wall-clock limit of one kernel cell (default: max-timeout)"),
            new Option(
                    "kernel-memory",
                    "WASMBOX_KERNEL_MEMORY",
                    "",
                    "memory cap of each kernel (default: default-memory)"),
            new Option(
                    "kernel-idle-timeout",
                    "WASMBOX_KERNEL_IDLE_TIMEOUT",
                    "60m",
                    "shut down kernels idle this long; 0 = never"),
            new Option("max-kernels", "WASMBOX_MAX_KERNELS", "32", "kernels alive at once"),
            new Option(
                    "max-kernels-per-client",
                    "WASMBOX_MAX_KERNELS_PER_CLIENT",
                    "8",
                    "kernels alive at once per client"),
            new Option(
                    "token-everywhere",
                    "WASMBOX_TOKEN_EVERYWHERE",
                    "false",
                    "require the token on the v1 and Piston execution APIs too (the playground then needs a proxy adding it)"));

    ServiceConfig {
        positive("max-concurrent", maxConcurrent);
        nonNegative("queue-size", queueSize);
        positive("batch-max", batchMax);
        positive("audit-keep", auditKeep);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        if (defaultTimeout.compareTo(maxTimeout) > 0) {
            throw new IllegalArgumentException("--default-timeout (" + defaultTimeout.toMillis()
                    + " ms) is above --max-timeout (" + maxTimeout.toMillis() + " ms)");
        }
        if (maxTimeout.isZero() || maxTimeout.isNegative())
            throw new IllegalArgumentException("--max-timeout must be positive");
        if (defaultTimeout.isZero() || defaultTimeout.isNegative())
            throw new IllegalArgumentException("--default-timeout must be positive");
        if (maxMemoryMiB > 4096) throw new IllegalArgumentException("--max-memory must be at most 4g (wasm32)");
        if (defaultMemoryMiB > maxMemoryMiB)
            throw new IllegalArgumentException("--default-memory is above --max-memory");
        if (defaultOutputBytes > maxOutputBytes)
            throw new IllegalArgumentException("--default-output is above --max-output");
        positive("max-code", maxCodeBytes);
        positive("max-body", maxBodyBytes);
        if (ratePerMinute < 0) throw new IllegalArgumentException("--rate-limit must not be negative");
        positive("rate-burst", rateBurst);
        positive("stream-buffer", streamBufferBytes);
        positive("max-connections", maxConnections);
        positive("audit-client-budget", auditClientBudget);
        if (idleTimeout.isZero() || idleTimeout.isNegative())
            throw new IllegalArgumentException("--idle-timeout must be positive");
        if (requestTimeout.isZero() || requestTimeout.isNegative())
            throw new IllegalArgumentException("--request-timeout must be positive");
        if (clientShare < batchMax || clientShare > maxConcurrent + queueSize) {
            throw new IllegalArgumentException("--client-share (" + clientShare + ") must be between --batch-max ("
                    + batchMax + ") and --max-concurrent + --queue-size (" + (maxConcurrent + queueSize) + ")");
        }
        for (String proxy : trustedProxies) AddressRange.parse(proxy); // fails naming the bad entry
        if (batchMax > maxConcurrent + queueSize) {
            throw new IllegalArgumentException(
                    "--batch-max (" + batchMax + ") cannot exceed --max-concurrent + --queue-size ("
                            + (maxConcurrent + queueSize) + "): such a batch could never be admitted");
        }
    }

    static ServiceConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /**
     * Reads flags, then the environment, then defaults.
     *
     * @throws IllegalArgumentException naming the flag, for an unknown flag or a bad value
     */
    static ServiceConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            String v = env.get(o.env());
            if (v == null && o.name().equals("port")) v = env.get("WASMBOX_PORT");
            values.put(o.name(), v != null && !v.isBlank() ? v.trim() : o.defaultValue());
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--"))
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (see --help)");
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = name;
            Option option = OPTIONS.stream()
                    .filter(o -> o.name().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown option --" + key + " (see --help)"));
            if (value == null) {
                boolean isFlagOnly = option.defaultValue().equals("true")
                        || option.defaultValue().equals("false");
                if (isFlagOnly && (i + 1 >= args.length || args[i + 1].startsWith("--"))) value = "true";
                else if (i + 1 >= args.length) throw new IllegalArgumentException(option.flag() + " needs a value");
                else value = args[++i];
            }
            values.put(option.name(), value.trim());
        }
        Function<String, String> v = values::get;
        String maxConcurrent = v.apply("max-concurrent");
        String audit = v.apply("audit-log");
        int batchMax = batchMax(v.apply("batch-max"), maxConcurrent, v.apply("queue-size"));
        long capacity = (maxConcurrent.isEmpty()
                        ? Math.max(2, Runtime.getRuntime().availableProcessors())
                        : integer("max-concurrent", maxConcurrent))
                + integer("queue-size", v.apply("queue-size"));
        String clientShare = v.apply("client-share");
        String budget = v.apply("audit-client-budget");
        long auditMax = size("audit-max-size", v.apply("audit-max-size"));
        return new ServiceConfig(
                v.apply("host"),
                (int) integer("port", v.apply("port")),
                duration("max-timeout", v.apply("max-timeout")),
                duration("default-timeout", v.apply("default-timeout")),
                size("max-memory", v.apply("max-memory")) / (1024 * 1024),
                size("default-memory", v.apply("default-memory")) / (1024 * 1024),
                size("max-output", v.apply("max-output")),
                size("default-output", v.apply("default-output")),
                size("max-code", v.apply("max-code")),
                size("max-stdin", v.apply("max-stdin")),
                size("max-body", v.apply("max-body")),
                maxConcurrent.isEmpty()
                        ? Math.max(2, Runtime.getRuntime().availableProcessors())
                        : (int) integer("max-concurrent", maxConcurrent),
                (int) integer("queue-size", v.apply("queue-size")),
                duration("queue-timeout", v.apply("queue-timeout")),
                decimal("rate-limit", v.apply("rate-limit")),
                (int) integer("rate-burst", v.apply("rate-burst")),
                v.apply("api-key-header"),
                trustedProxies(v.apply("trust-proxy")),
                batchMax,
                audit.isEmpty() || audit.equalsIgnoreCase("off") || audit.equalsIgnoreCase("none")
                        ? null
                        : Path.of(audit),
                size("audit-max-size", v.apply("audit-max-size")),
                (int) integer("audit-keep", v.apply("audit-keep")),
                bool("warmup", v.apply("warmup")),
                bool("realtime", v.apply("realtime")),
                apiKeys(v.apply("api-keys-file"), env.get("WASMBOX_API_KEYS")),
                origins(v.apply("public-origin")),
                duration("idle-timeout", v.apply("idle-timeout")),
                duration("request-timeout", v.apply("request-timeout")),
                size("stream-buffer", v.apply("stream-buffer")),
                clientShare.isEmpty()
                        ? (int) Math.min(capacity, Math.max(batchMax, (capacity + 1) / 2))
                        : (int) integer("client-share", clientShare),
                (int) integer("max-connections", v.apply("max-connections")),
                budget.isEmpty() ? Math.max(16 * 1024, auditMax / 10) : size("audit-client-budget", budget),
                kernels(v));
    }

    private static Kernels kernels(Function<String, String> v) {
        String token = v.apply("token");
        boolean generated = token.isEmpty();
        if (generated) {
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            token = HexFormat.of().formatHex(random);
        }
        String cell = v.apply("kernel-cell-timeout");
        String memory = v.apply("kernel-memory");
        String idle = v.apply("kernel-idle-timeout");
        return new Kernels(
                token,
                generated,
                duration("kernel-cell-timeout", cell.isEmpty() ? v.apply("max-timeout") : cell),
                size("kernel-memory", memory.isEmpty() ? v.apply("default-memory") : memory) / (1024 * 1024),
                idle.equals("0") ? Duration.ZERO : duration("kernel-idle-timeout", idle),
                (int) integer("max-kernels", v.apply("max-kernels")),
                (int) integer("max-kernels-per-client", v.apply("max-kernels-per-client")),
                bool("token-everywhere", v.apply("token-everywhere")));
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    private static List<String> trustedProxies(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("false") || v.equals("off") || v.equals("none")) return List.of();
        if (v.equals("true")) {
            throw new IllegalArgumentException("--trust-proxy takes the addresses of your proxies (e.g. 127.0.0.1 or "
                    + "10.0.0.0/8), not true: a client could otherwise forge its address");
        }
        List<String> proxies = list(value);
        for (String p : proxies) {
            try {
                AddressRange.parse(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--trust-proxy: " + e.getMessage());
            }
        }
        return proxies;
    }

    private static List<String> origins(String value) {
        List<String> out = new ArrayList<>();
        for (String o : list(value)) {
            String normal = Origins.normalise(o);
            if (normal == null) {
                throw new IllegalArgumentException(
                        "--public-origin: '" + o + "' is not an origin like https://host[:port]");
            }
            out.add(normal);
        }
        return List.copyOf(out);
    }

    /** Reads the accepted keys (file lines, then the comma-separated variable); keeps only their SHA-256. */
    private static Set<String> apiKeys(String file, String envKeys) {
        Set<String> hashes = new HashSet<>();
        if (!file.isEmpty()) {
            Path path = Path.of(file);
            try {
                if (!Files.isRegularFile(path)) throw new IOException("not a regular file");
                if (Files.size(path) > 1 << 20) throw new IOException("larger than 1 MiB");
                for (String line : Files.readAllLines(path)) {
                    String key = line.strip();
                    if (!key.isEmpty() && !key.startsWith("#")) hashes.add(Sha256.hex(key));
                }
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("--api-keys-file: cannot read " + file + ": " + e.getMessage());
            }
            if (hashes.isEmpty()) throw new IllegalArgumentException("--api-keys-file: " + file + " holds no key");
        }
        if (envKeys != null) for (String k : list(envKeys)) hashes.add(Sha256.hex(k));
        return Set.copyOf(hashes);
    }

    private static int batchMax(String value, String maxConcurrent, String queueSize) {
        if (!value.isEmpty()) return (int) integer("batch-max", value);
        long concurrent = maxConcurrent.isEmpty()
                ? Math.max(2, Runtime.getRuntime().availableProcessors())
                : integer("max-concurrent", maxConcurrent);
        return (int) Math.max(1, Math.min(16, concurrent + integer("queue-size", queueSize)));
    }

    static String help() {
        StringBuilder sb = new StringBuilder("""
                Usage: java -jar wasmbox-execution-service.jar [--option value ...]
                Runs code in WebAssembly sandboxes over HTTP. Sizes take k/m/g suffixes, durations ms/s/m.

                """);
        for (Option o : OPTIONS) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-20s %-26s %s%n",
                    o.flag(),
                    o.env(),
                    o.help() + (o.defaultValue().isEmpty() ? "" : " [" + o.defaultValue() + "]")));
        }
        return sb.toString();
    }

    private static void positive(String name, long value) {
        if (value <= 0) throw new IllegalArgumentException("--" + name + " must be positive, got " + value);
    }

    private static void nonNegative(String name, long value) {
        if (value < 0) throw new IllegalArgumentException("--" + name + " must not be negative, got " + value);
    }

    static long integer(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + value + "' is not an integer");
        }
    }

    private static double decimal(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + value + "' is not a number");
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("--" + name + ": '" + value + "' is not true/false");
        };
    }

    static long size(String name, String value) {
        return Units.parseSize("--" + name, value);
    }

    static Duration duration(String name, String value) {
        return Units.parseDuration("--" + name, value);
    }
}
