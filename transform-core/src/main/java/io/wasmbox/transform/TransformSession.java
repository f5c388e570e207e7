package io.wasmbox.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ErrorKind;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.HostFunction;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxOptions;
import io.wasmbox.Units;
import io.wasmbox.Wasmbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One user script in one sandbox, called record by record or batch by batch: the record-transform core
 * shared by the transform-dsl sample ({@link RecordTransformer}, one session per worker thread) and the
 * Kafka Connect SMT (one session per transform instance).
 *
 * <p>Compile once, run many: the sandbox runs the script once (host functions bound, {@code globals}
 * set), then each record is one guest call of {@code function}. Limits are per record: memory is the
 * sandbox's cap, the timeout applies to each record's call ({@link #apply}), or to a batch as
 * {@code perRecordTimeout x batch size} ({@link #applyBatch}). A batch that fails as a whole (timeout,
 * memory, crash) is retried record by record with the per-record timeout, so only the offending record
 * fails. A sandbox discarded by a timeout or a crash is replaced by a fresh one (the script run again)
 * before the next call. Not thread-safe: one session per thread.
 */
public final class TransformSession implements AutoCloseable {
    private final Interpreter interpreter;
    private final String script;
    private final String function;
    private final Map<String, HostFunction> functions;
    private final Map<String, Map<String, Object>> lookups;
    private final Map<String, Object> globals;
    private final Duration perRecordTimeout;
    private final long memoryBytes;
    private final boolean realtime;
    private final String fileName;
    private final Duration setupTimeout;
    private Sandbox single;
    private Sandbox batch;
    private int batchSandboxSize;
    private long sandboxesCreated;
    private boolean closed;

    private TransformSession(Builder b) {
        this.interpreter = Wasmbox.interpreter(b.language);
        this.script = Objects.requireNonNull(b.script, "script");
        this.function = b.function;
        this.functions = Map.copyOf(b.functions);
        this.lookups = new LinkedHashMap<>(b.lookups);
        this.globals = new LinkedHashMap<>(b.globals);
        this.perRecordTimeout = b.perRecordTimeout;
        this.memoryBytes = b.memoryBytes;
        this.realtime = b.realtime;
        this.fileName = b.fileName;
        this.setupTimeout = b.setupTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Why a record failed. */
    public enum Failure {
        /** the script raised or threw (or returned something the caller cannot use) */
        GUEST_ERROR,
        /** the record's call ran past the per-record timeout (the sandbox was replaced) */
        TIMEOUT,
        /** the guest hit the memory cap */
        MEMORY_LIMIT,
        /** the guest crashed (trap, stack overflow): the sandbox was replaced */
        CRASH
    }

    /**
     * What the function returned for one record ({@code value}, JSON null for null/None/undefined), or
     * why it failed ({@code failure} and a one-line {@code error}: the guest's error type and message).
     */
    public record Result(JsonNode value, Failure failure, String error) {
        public boolean ok() {
            return failure == null;
        }

        static Result ok(JsonNode value) {
            return new Result(value == null ? TransformJson.nodes().nullNode() : value, null, null);
        }
    }

    /** The language's canonical name ({@code python}, {@code javascript}, ...). */
    public String language() {
        return interpreter.language();
    }

    /** How many sandboxes this session has made (1 after {@link #open}; more after timeouts or crashes). */
    public long sandboxesCreated() {
        return sandboxesCreated;
    }

    /**
     * Makes the per-record sandbox now, so that a script that cannot run fails here.
     *
     * @throws TransformException if the script fails or does not define the function
     */
    public TransformSession open() {
        if (single == null || single.isClosed()) single = prepared(perRecordTimeout);
        return this;
    }

    /** Calls the function on one record, within the per-record timeout. */
    public Result apply(JsonNode record) {
        if (closed) throw new IllegalStateException("the transform session is closed");
        open();
        ExecutionResult r = single.invoke(function, record);
        if (single.isClosed()) single = null;
        return r.succeeded() ? Result.ok(r.valueAs(JsonNode.class)) : failed(r);
    }

    /**
     * Calls the function on each record of a batch in one guest call (timeout: per-record timeout x batch
     * size); when the batch fails as a whole, each record again on its own. Results are in input order.
     */
    public List<Result> applyBatch(List<JsonNode> records) {
        if (closed) throw new IllegalStateException("the transform session is closed");
        if (records.size() == 1) return List.of(apply(records.getFirst()));
        if (batch == null || batch.isClosed() || batchSandboxSize < records.size()) {
            if (batch != null) batch.close();
            batch = prepared(batchTimeout(records.size()));
            batchSandboxSize = records.size();
        }
        ExecutionResult r =
                batch.invoke(BATCH_FUNCTION, TransformJson.nodes().arrayNode().addAll(records));
        List<Result> results = r.succeeded() ? batchResults(r.valueAs(JsonNode.class), records.size()) : null;
        if (results != null) return results;
        // The batch failed as a whole: find the record(s) responsible, one at a time.
        if (batch.isClosed()) batch = null;
        results = new ArrayList<>(records.size());
        for (JsonNode record : records) results.add(apply(record));
        return results;
    }

    /**
     * The batch helper's answer, {@code [values, errors]} (errors as index, message pairs), as one result per
     * record; null if it is not that shape (a script that replaced the helper's globals, say).
     */
    private static List<Result> batchResults(JsonNode answer, int size) {
        if (answer == null || !answer.isArray() || answer.size() != 2) return null;
        JsonNode values = answer.get(0);
        JsonNode errors = answer.get(1);
        if (!values.isArray() || values.size() != size || !errors.isArray() || errors.size() % 2 != 0) return null;
        List<Result> results = new ArrayList<>(size);
        for (JsonNode value : values) results.add(Result.ok(value));
        for (int i = 0; i < errors.size(); i += 2) {
            int index = errors.get(i).asInt(-1);
            if (index < 0 || index >= size) return null;
            results.set(
                    index,
                    new Result(null, Failure.GUEST_ERROR, errors.get(i + 1).asText()));
        }
        return results;
    }

    @Override
    public void close() {
        closed = true;
        if (single != null) single.close();
        if (batch != null) batch.close();
        single = null;
        batch = null;
    }

    private Duration batchTimeout(int size) {
        Duration d = perRecordTimeout.multipliedBy(size);
        return d.compareTo(Limits.MAX_TIMEOUT) > 0 ? Limits.MAX_TIMEOUT : d;
    }

    /** A sandbox with the functions bound, the globals set, the script run once and the batch helper defined. */
    private Sandbox prepared(Duration timeout) {
        SandboxOptions.Builder options = SandboxOptions.builder()
                .limits(Limits.builder()
                        .memoryBytes(memoryBytes)
                        .timeout(timeout)
                        .build());
        if (realtime) options.realtime();
        Sandbox sandbox = interpreter.sandbox().options(options.build()).build();
        sandboxesCreated++;
        try {
            functions.forEach(sandbox::bind);
            if (!lookups.isEmpty()) {
                ExecutionResult defined = sandbox.run(
                        GuestLookups.definitions(interpreter.language()),
                        RunOptions.builder()
                                .globals(Map.of(GuestLookups.GLOBAL, lookups))
                                .timeout(setupTimeout)
                                .build());
                if (!defined.succeeded()) {
                    throw new TransformException("the lookup tables could not be loaded: " + describe(defined));
                }
            }
            // the script's one run (definitions, imports, TypeScript's transpile) gets the set-up timeout
            RunOptions.Builder run = RunOptions.builder()
                    .globals(globals)
                    .timeout(setupTimeout.compareTo(timeout) > 0 ? setupTimeout : timeout);
            if (fileName != null) run.fileName(fileName);
            ExecutionResult setUp =
                    sandbox.run(script + "\n" + batchHelper(interpreter.language(), function), run.build());
            if (!setUp.succeeded()) throw new TransformException("the script failed: " + describe(setUp));
            if (!sandbox.hasFunction(function)) {
                throw new TransformException("the script must define a function " + function + "(record)");
            }
            return sandbox;
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    private static Result failed(ExecutionResult r) {
        Failure failure = r.timeoutHit()
                ? Failure.TIMEOUT
                : r.memoryLimitHit()
                        ? Failure.MEMORY_LIMIT
                        : r.kind() == ErrorKind.TRAP || r.kind() == ErrorKind.STACK_OVERFLOW
                                ? Failure.CRASH
                                : Failure.GUEST_ERROR;
        return new Result(null, failure, describe(r));
    }

    /** One line: what went wrong in a run. */
    public static String describe(ExecutionResult r) {
        if (r.timeoutHit()) return "timed out (per-record limit exceeded)";
        if (r.memoryLimitHit()) return "memory limit exceeded";
        GuestError e = r.error();
        return e != null ? e.summary() : "exit code " + r.exitCode();
    }

    private static final String BATCH_FUNCTION = "__wasmbox_transform_batch";

    /**
     * Calls the function on each record of a batch, catching per-record errors, in the script's language:
     * {@code [values, errors]}, errors as flat (index, message) pairs, so a record that succeeds costs no
     * wrapper object to build and to cross as JSON.
     */
    private static String batchHelper(String language, String function) {
        return switch (language) {
            case "python" -> """
                    def __wasmbox_transform_batch(records):
                        values = []
                        errors = []
                        for record in records:
                            try:
                                values.append(%s(record))
                            except Exception as e:
                                errors.append(len(values))
                                errors.append(type(e).__name__ + ": " + str(e))
                                values.append(None)
                        return [values, errors]
                    """.formatted(function);
            default -> """
                    function __wasmbox_transform_batch(records) {
                      const values = [], errors = [];
                      for (const record of records) {
                        try { values.push(%s(record) ?? null) }
                        catch (e) {
                          errors.push(values.length, e && e.name ? e.name + ': ' + e.message : String(e));
                          values.push(null);
                        }
                      }
                      return [values, errors];
                    }
                    """.formatted(function);
        };
    }

    public static final class Builder {
        private String language = "python";
        private String script;
        private String function = "transform";
        private final Map<String, HostFunction> functions = new LinkedHashMap<>();
        private final Map<String, Map<String, Object>> lookups = new LinkedHashMap<>();
        private final Map<String, Object> globals = new LinkedHashMap<>();
        private Duration perRecordTimeout = Duration.ofMillis(200);
        private long memoryBytes = 128 * Units.MIB;
        private boolean realtime;
        private String fileName;
        private Duration setupTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /** The wall-clock limit of the script's first run, which defines the function (default 30 s). */
        public Builder setupTimeout(Duration timeout) {
            this.setupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder language(String language) {
            this.language = Objects.requireNonNull(language);
            return this;
        }

        public Builder script(String script) {
            this.script = Objects.requireNonNull(script);
            return this;
        }

        /** The guest function called per record (default {@code transform}); a plain identifier. */
        public Builder function(String function) {
            requireIdentifier("function", function);
            this.function = function;
            return this;
        }

        /**
         * Binds {@code name(key)} returning the table's value for {@code key} (null when absent). The key is
         * compared as text: a string as it is, anything else in its JSON form ({@code 42}, {@code 1.5}). A
         * table whose JSON form is at most 1 MiB is copied into the sandbox and
         * looked up there (no host call per record; it counts against the sandbox's memory); a larger one
         * stays on the host and each lookup is a host call. Either way an object or list value is a fresh
         * copy per call.
         *
         * @throws IllegalArgumentException if the name is not a plain identifier or the table has no JSON form
         */
        public Builder lookup(String name, Map<String, ?> table) {
            requireIdentifier("lookup name", name);
            Map<String, Object> copy = new LinkedHashMap<>(table);
            functions.remove(name);
            if (TransformJson.write(copy).length() <= GuestLookups.MAX_TABLE_CHARS) {
                lookups.put(name, copy);
                return this;
            }
            lookups.remove(name);
            functions.put(name, args -> args.isEmpty() ? null : copy.get(keyText(args.getFirst())));
            return this;
        }

        /** A host-side key as the guest-side lookups see it: a string as it is, anything else as JSON. */
        private static String keyText(Object key) {
            return key instanceof String text ? text : TransformJson.write(key);
        }

        public Builder function(String name, HostFunction function) {
            lookups.remove(name);
            functions.put(name, function);
            return this;
        }

        /** JSON-mappable constants set as guest globals before the script runs. */
        public Builder global(String name, Object value) {
            globals.put(name, value);
            return this;
        }

        public Builder perRecordTimeout(Duration timeout) {
            this.perRecordTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        /** The guest reads the real clock (default: frozen, deterministic). */
        public Builder realtime(boolean realtime) {
            this.realtime = realtime;
            return this;
        }

        /** The script's name in guest tracebacks. */
        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        private static void requireIdentifier(String what, String name) {
            if (!name.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw new IllegalArgumentException(what + " must be a plain identifier, not '" + name + "'");
            }
        }

        /** A session whose sandbox is made at the first call (see {@link TransformSession#open}). */
        public TransformSession build() {
            return new TransformSession(this);
        }
    }
}
