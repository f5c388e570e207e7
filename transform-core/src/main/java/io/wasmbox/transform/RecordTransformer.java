package io.wasmbox.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.HostFunction;
import io.wasmbox.Limits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Applies a user script to every record of a stream on several threads. The script defines {@code
 * transform(record)}, which returns the new record (an object), a list of records, or null/None to drop
 * it; it can call the functions the host binds.
 *
 * <p>Each worker thread owns a {@link TransformSession} (one sandbox, the script run once) and calls it
 * on batches of records; per-record limits and per-record error handling are the session's.
 */
public final class RecordTransformer {
    private final Supplier<TransformSession> sessions;
    private final int threads;
    private final int batchSize;

    private RecordTransformer(Builder b) {
        TransformSession.Builder session = Objects.requireNonNull(b.session);
        this.sessions = session::build;
        this.threads = b.threads;
        this.batchSize = b.batchSize;
        // Fail now, not on the first batch, when the script cannot run.
        try (TransformSession probe = session.build()) {
            probe.open();
        }
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
        List<TransformSession> all = new ArrayList<>();
        ThreadLocal<TransformSession> sessionOfThread = ThreadLocal.withInitial(() -> {
            TransformSession s = sessions.get();
            synchronized (all) {
                all.add(s);
            }
            return s;
        });
        try {
            Deque<Future<List<Outcome>>> inFlight = new ArrayDeque<>();
            long index = 0;
            while (records.hasNext()) {
                List<JsonNode> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && records.hasNext()) batch.add(records.next());
                long first = index;
                index += batch.size();
                inFlight.add(
                        pool.submit(() -> outcomes(first, sessionOfThread.get().applyBatch(batch))));
                if (inFlight.size() >= threads * 2) drain(inFlight.poll(), sink, counts);
            }
            while (!inFlight.isEmpty()) drain(inFlight.poll(), sink, counts);
        } finally {
            pool.shutdownNow();
            synchronized (all) {
                all.forEach(TransformSession::close);
            }
        }
        return new Stats(counts[0], counts[1], counts[2], counts[3], Duration.ofNanos(System.nanoTime() - start));
    }

    private static List<Outcome> outcomes(long first, List<TransformSession.Result> results) {
        List<Outcome> outcomes = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) outcomes.add(outcome(first + i, results.get(i)));
        return outcomes;
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

    /** This sample's contract: an object, a list of objects, or null to drop. */
    private static Outcome outcome(long index, TransformSession.Result result) {
        if (!result.ok()) return new Outcome(index, List.of(), result.error());
        JsonNode value = result.value();
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
        return new Outcome(
                index, List.of(), "transform must return an object, a list of objects, or null, not " + value);
    }

    public static final class Builder {
        private final TransformSession.Builder session = TransformSession.builder();
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int batchSize = 200;

        private Builder() {}

        public Builder language(String language) {
            session.language(language);
            return this;
        }

        public Builder script(String script) {
            session.script(script);
            return this;
        }

        /** Binds {@code name(key)} returning {@code table.get(key)} (null when absent). */
        public Builder lookup(String name, Map<String, ?> table) {
            session.lookup(name, table);
            return this;
        }

        public Builder function(String name, HostFunction function) {
            session.function(name, function);
            return this;
        }

        public Builder perRecordTimeout(Duration timeout) {
            session.perRecordTimeout(timeout);
            return this;
        }

        public Builder memoryBytes(long bytes) {
            session.memoryBytes(bytes);
            return this;
        }

        public Builder threads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
            this.threads = threads;
            return this;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
            if (batchSize > Limits.MAX_TIMEOUT.toMillis()) throw new IllegalArgumentException("batch size too large");
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @throws TransformException if the script cannot run (checked once, here)
         */
        public RecordTransformer build() {
            return new RecordTransformer(this);
        }
    }
}
