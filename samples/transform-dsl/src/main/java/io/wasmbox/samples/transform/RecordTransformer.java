package io.wasmbox.samples.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.ExecutionResult;
import io.wasmbox.GuestError;
import io.wasmbox.HostFunction;
import io.wasmbox.Interpreter;
import io.wasmbox.Limits;
import io.wasmbox.Sandbox;
import io.wasmbox.Wasmbox;
import io.wasmbox.spi.Json;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Applies a user script to every record of a stream. The script defines {@code transform(record)}, which
 * returns the new record (an object), a list of records, or null/None to drop it; it can call the lookup
 * functions the host binds.
 *
 * <p>Compile once, run many: each worker thread owns a sandbox that runs the script once, then calls its
 * {@code transform} on batches of records (one guest call per batch). Limits are per record: a batch
 * gets {@code perRecordTimeout x batchSize}; when a batch fails as a whole (timeout, memory, crash), its
 * records are retried one by one in fresh sandboxes with the per-record timeout, so only the offending
 * record fails and the run goes on.
 */
public final class RecordTransformer {
    private final Interpreter interpreter;
    private final String script;
    private final Map<String, HostFunction> functions;
    private final Duration perRecordTimeout;
    private final long memoryBytes;
    private final int threads;
    private final int batchSize;

    private RecordTransformer(Builder b) {
        this.interpreter = Wasmbox.interpreter(b.language);
        this.script = Objects.requireNonNull(b.script, "script");
        this.functions = Map.copyOf(b.functions);
        this.perRecordTimeout = b.perRecordTimeout;
        this.memoryBytes = b.memoryBytes;
        this.threads = b.threads;
        this.batchSize = b.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What happened to one input record. */
    public record Outcome(long index, List<JsonNode> output, String error) {}

    /** Receives outcomes in input order. */
    public interface Sink {
        void accept(Outcome outcome) throws Exception;
    }

    /** Counts of a finished run. */
    public record Stats(long records, long written, long dropped, long failed, Duration elapsed) {
        public double recordsPerSecond() {
            return records / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Transforms every record, delivering outcomes in input order.
     *
     * @throws TransformException if the script itself cannot run (syntax error, no transform function)
     */
    public Stats run(Iterator<JsonNode> records, Sink sink) throws Exception {
        long start = System.nanoTime();
        long[] counts = new long[4]; // records, written, dropped, failed
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Worker> workers = new ArrayList<>();
        ThreadLocal<Worker> workerOfThread = ThreadLocal.withInitial(() -> {
            Worker w = new Worker();
            synchronized (workers) {
                workers.add(w);
            }
            return w;
        });
        try {
            Deque<Future<List<Outcome>>> inFlight = new ArrayDeque<>();
            long index = 0;
            while (records.hasNext()) {
                List<JsonNode> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && records.hasNext()) batch.add(records.next());
                long first = index;
                index += batch.size();
                inFlight.add(pool.submit(() -> workerOfThread.get().transform(first, batch)));
                if (inFlight.size() >= threads * 2) drain(inFlight.poll(), sink, counts);
            }
            while (!inFlight.isEmpty()) drain(inFlight.poll(), sink, counts);
        } finally {
            pool.shutdownNow();
            synchronized (workers) {
                workers.forEach(Worker::close);
            }
        }
        return new Stats(counts[0], counts[1], counts[2], counts[3], Duration.ofNanos(System.nanoTime() - start));
    }

    private static void drain(Future<List<Outcome>> batch, Sink sink, long[] counts) throws Exception {
        List<Outcome> outcomes;
        try {
            outcomes = batch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
        for (Outcome o : outcomes) {
            counts[0]++;
            if (o.error() != null) counts[3]++;
            else if (o.output().isEmpty()) counts[2]++;
            else counts[1] += o.output().size();
            sink.accept(o);
        }
    }

    /** One thread's sandbox: the script already run, {@code transform} ready. */
    private final class Worker {
        private Sandbox batchSandbox;

        List<Outcome> transform(long first, List<JsonNode> batch) {
            if (batchSandbox == null || batchSandbox.isClosed()) batchSandbox = prepared(batchTimeout());
            ExecutionResult r = batchSandbox.invoke(BATCH_FUNCTION, Json.nodes().arrayNode().addAll(batch));
            if (r.succeeded() && r.valueJson().isArray()) {
                List<Outcome> outcomes = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) outcomes.add(outcome(first + i, r.valueJson().get(i)));
                return outcomes;
            }
            // The batch failed as a whole: find the record(s) responsible, one at a time.
            if (batchSandbox.isClosed()) batchSandbox = null;
            List<Outcome> outcomes = new ArrayList<>(batch.size());
            Sandbox single = null;
            try {
                for (int i = 0; i < batch.size(); i++) {
                    if (single == null || single.isClosed()) single = prepared(perRecordTimeout);
                    ExecutionResult one = single.invoke(BATCH_FUNCTION, Json.nodes().arrayNode().add(batch.get(i)));
                    outcomes.add(one.succeeded() && one.valueJson().isArray()
                            ? outcome(first + i, one.valueJson().get(0))
                            : new Outcome(first + i, List.of(), describe(one)));
                }
            } finally {
                if (single != null) single.close();
            }
            return outcomes;
        }

        void close() {
            if (batchSandbox != null) batchSandbox.close();
        }
    }

    private Duration batchTimeout() {
        return perRecordTimeout.multipliedBy(batchSize).compareTo(Limits.MAX_TIMEOUT) > 0
                ? Limits.MAX_TIMEOUT : perRecordTimeout.multipliedBy(batchSize);
    }

    /** A sandbox with the lookups bound, the script run once and the batch helper defined. */
    private Sandbox prepared(Duration timeout) {
        Sandbox sandbox = interpreter.newSandbox(Limits.builder().memoryBytes(memoryBytes).timeout(timeout).build());
        functions.forEach(sandbox::bind);
        ExecutionResult setUp = sandbox.run(script + "\n" + batchHelper(interpreter.language()));
        if (!setUp.succeeded() || !sandbox.hasFunction("transform")) {
            sandbox.close();
            throw new TransformException(setUp.succeeded()
                    ? "the script must define a function transform(record)"
                    : "the script failed: " + describe(setUp));
        }
        return sandbox;
    }

    private static Outcome outcome(long index, JsonNode result) {
        if (!result.path("ok").asBoolean()) return new Outcome(index, List.of(), result.path("error").asText());
        JsonNode value = result.get("value");
        if (value == null || value.isNull()) return new Outcome(index, List.of(), null);
        if (value.isObject()) return new Outcome(index, List.of(value), null);
        if (value.isArray()) {
            List<JsonNode> many = new ArrayList<>();
            for (JsonNode v : value) {
                if (!v.isObject()) return new Outcome(index, List.of(), "transform returned a list with a non-object");
                many.add(v);
            }
            return new Outcome(index, many, null);
        }
        return new Outcome(index, List.of(), "transform must return an object, a list of objects, or null, not " + value);
    }

    private static String describe(ExecutionResult r) {
        if (r.timeoutHit()) return "timed out (record limit exceeded)";
        if (r.memoryLimitHit()) return "memory limit exceeded";
        GuestError e = r.error();
        return e != null ? e.summary() : "exit code " + r.exitCode();
    }

    private static final String BATCH_FUNCTION = "__wasmbox_transform_batch";

    /** Calls transform on each record of a batch, catching per-record errors, in the script's language. */
    private static String batchHelper(String language) {
        return switch (language) {
            case "python" -> """
                    def __wasmbox_transform_batch(records):
                        out = []
                        for record in records:
                            try:
                                out.append({"ok": True, "value": transform(record)})
                            except Exception as e:
                                out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
                        return out
                    """;
            default -> """
                    function __wasmbox_transform_batch(records) {
                      return records.map(record => {
                        try { return { ok: true, value: transform(record) ?? null } }
                        catch (e) { return { ok: false, error: e && e.name ? e.name + ': ' + e.message : String(e) } }
                      });
                    }
                    """;
        };
    }

    /** The script cannot be used at all. */
    public static final class TransformException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransformException(String message) {
            super(message);
        }
    }

    public static final class Builder {
        private String language = "python";
        private String script;
        private final Map<String, HostFunction> functions = new LinkedHashMap<>();
        private Duration perRecordTimeout = Duration.ofMillis(200);
        private long memoryBytes = 128 * Limits.MIB;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int batchSize = 200;

        private Builder() {}

        public Builder language(String language) {
            this.language = Objects.requireNonNull(language);
            return this;
        }

        public Builder script(String script) {
            this.script = Objects.requireNonNull(script);
            return this;
        }

        /** Binds {@code name(key)} returning {@code table.get(key)} (null when absent). */
        public Builder lookup(String name, Map<String, ?> table) {
            Map<String, ?> copy = Map.copyOf(table);
            return function(name, args -> Json.toTree(args.isEmpty() ? null : copy.get(args.getFirst().asText())));
        }

        public Builder function(String name, HostFunction function) {
            functions.put(name, function);
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

        public Builder threads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
            this.threads = threads;
            return this;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
            this.batchSize = batchSize;
            return this;
        }

        public RecordTransformer build() {
            return new RecordTransformer(this);
        }
    }

}
