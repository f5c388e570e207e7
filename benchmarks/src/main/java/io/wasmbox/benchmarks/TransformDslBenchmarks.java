package io.wasmbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmbox.benchmarks.contenders.Contender;
import io.wasmbox.transform.RecordTransformer;
import io.wasmbox.transform.TransformSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transform-dsl sample's path (issue 16): its {@code examples/enrich.js} / {@code enrich.py} over its
 * generated orders (as {@code Records.generate} makes them), with the {@code rate} lookup of {@code rates.json}.
 *
 * <ul>
 * <li>{@link #perThread}: records/s of one worker thread at steady state, run with {@code -t 1} and {@code -t
 *     2}. Wasmbox ({@code wasmbox-js}, {@code wasmbox-python}): one {@link TransformSession} per thread, one
 *     guest call per batch of {@value #BATCH} records (the sample's default). Peers ({@code graaljs}, {@code
 *     graalpy}, {@code rhino}; Nashorn cannot parse the sample's object spread): one context per thread running
 *     the same script, each record
 *     crossing as JSON text (serialised on the host, parsed and stringified by the engine, parsed back), as
 *     Wasmbox's records cross as JSON. The peers run in the JVM with the host's rights: no memory cap, no
 *     timeout, no isolation.
 * <li>{@link FirstRecords}: what a user of {@code run-demo.sh} sees: a fresh JVM transforming its first
 *     {@value FirstRecords#RECORDS} records with {@link RecordTransformer} on 2 threads (sandbox creation
 *     and the JIT's warm-up included); the score is the seconds it took.
 * </ul>
 */
@Fork(
        value = 1,
        jvmArgsAppend = {
            JvmArgs.JIT_1,
            JvmArgs.JIT_2,
            JvmArgs.JIT_3,
            JvmArgs.STACK,
            JvmArgs.GRAAL_QUIET,
            JvmArgs.NATIVE_ACCESS,
            JvmArgs.UNSAFE
        })
public class TransformDslBenchmarks {
    static final int BATCH = 200;
    private static final int RECORDS = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The engine and the generated records, shared by the threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"wasmbox-js", "wasmbox-python", "graaljs", "graalpy", "rhino"})
        public String transform;

        final List<JsonNode> records = orders(RECORDS);
        Contender peer;

        @Setup(Level.Trial)
        public void setUp() {
            if (!transform.startsWith("wasmbox-")) peer = Contender.create(transform, language(transform));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (peer != null) peer.close();
        }
    }

    /** One worker thread's session. */
    @State(Scope.Thread)
    public static class Worker {
        private TransformSession session;
        private Contender.Session peerSession;
        private List<JsonNode> records;
        private int next;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            records = shared.records;
            Language language = language(shared.transform);
            if (shared.peer == null) {
                session = wasmboxSession(language);
            } else {
                peerSession = shared.peer.open(false);
                peerSession.define(peerPrelude(language));
            }
            List<JsonNode> first = transform(records.subList(0, BATCH));
            long enriched =
                    first.stream().filter(r -> r != null && r.has("amount_usd")).count();
            if (enriched < BATCH / 2) throw new IllegalStateException(shared.transform + " did not enrich: " + first);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (session != null) session.close();
            if (peerSession != null) peerSession.close();
        }

        List<JsonNode> transform(List<JsonNode> batch) {
            List<JsonNode> out = new ArrayList<>(batch.size());
            if (session != null) {
                for (TransformSession.Result r : session.applyBatch(batch)) {
                    if (!r.ok()) throw new IllegalStateException("transform failed: " + r.error());
                    out.add(r.value());
                }
                return out;
            }
            try {
                for (JsonNode record : batch) {
                    Object line = peerSession.invoke("transformLine", JSON.writeValueAsString(record));
                    out.add(line == null ? null : JSON.readTree(line.toString()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        List<JsonNode> nextBatch() {
            if (next + BATCH > records.size()) next = 0;
            List<JsonNode> batch = records.subList(next, next + BATCH);
            next += BATCH;
            return batch;
        }
    }

    /** A batch of {@value #BATCH} records through one thread's transform; the score is records/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    @Warmup(iterations = 8, time = 10)
    @Measurement(iterations = 5, time = 5)
    public List<JsonNode> perThread(Worker worker) {
        return worker.transform(worker.nextBatch());
    }

    /**
     * A fresh JVM's first {@value #RECORDS} records on 2 threads through {@link RecordTransformer}, as the
     * sample's CLI runs them (sandboxes created on the way); the score is seconds for all of them.
     */
    @State(Scope.Benchmark)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                JvmArgs.JIT_1,
                JvmArgs.JIT_2,
                JvmArgs.JIT_3,
                JvmArgs.STACK,
                JvmArgs.NATIVE_ACCESS,
                JvmArgs.UNSAFE
            })
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public static class FirstRecords {
        static final int RECORDS = 100_000;

        @Param({"javascript", "python"})
        public String language;

        private List<JsonNode> records;

        @Setup(Level.Trial)
        public void setUp() {
            records = orders(RECORDS);
        }

        @Benchmark
        public RecordTransformer.Stats firstRecords() throws Exception {
            Language lang = language.equals("python") ? Language.PYTHON : Language.JAVASCRIPT;
            RecordTransformer transformer = RecordTransformer.builder()
                    .language(language)
                    .script(resource(script(lang)))
                    .lookup("rate", rates())
                    .threads(2)
                    .batchSize(BATCH)
                    .build();
            AtomicLong written = new AtomicLong();
            RecordTransformer.Stats stats = transformer.run(records.iterator(), o -> {
                if (o.error() != null) throw new IllegalStateException("record " + o.index() + ": " + o.error());
                written.addAndGet(o.output().size());
            });
            if (stats.records() != RECORDS || written.get() == 0) throw new IllegalStateException("stats " + stats);
            return stats;
        }
    }

    static TransformSession wasmboxSession(Language language) {
        return TransformSession.builder()
                .language(language.id())
                .script(resource(script(language)))
                .lookup("rate", rates())
                .build()
                .open();
    }

    /** The sample's script, a {@code rate} over the same table, and a JSON-text entry point. */
    static String peerPrelude(Language language) {
        String rates = resource("rates.json").strip();
        return language == Language.PYTHON
                ? "import json\n_RATES = " + rates + "\ndef rate(c):\n    return _RATES[c]\n"
                        + resource(script(language))
                        + "\ndef transformLine(line):\n    r = transform(json.loads(line))\n"
                        + "    return None if r is None else json.dumps(r)\n"
                : "const _RATES = " + rates + ";\nfunction rate(c) { return _RATES[c]; }\n"
                        + resource(script(language))
                        + "\nfunction transformLine(line) { const r = transform(JSON.parse(line));"
                        + " return r == null ? null : JSON.stringify(r); }\n";
    }

    static Language language(String transform) {
        return switch (transform) {
            case "wasmbox-js", "graaljs", "rhino" -> Language.JAVASCRIPT;
            case "wasmbox-python", "graalpy" -> Language.PYTHON;
            default -> throw new IllegalArgumentException(transform);
        };
    }

    private static String script(Language language) {
        return language == Language.PYTHON ? "enrich.py" : "enrich.js";
    }

    static Map<String, Object> rates() {
        try {
            return JSON.readValue(
                    resource("rates.json"),
                    JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample's examples, copied into this jar by benchmarks/pom.xml. */
    static String resource(String name) {
        try (InputStream in = TransformDslBenchmarks.class.getResourceAsStream("transform-dsl/" + name)) {
            if (in == null) throw new IllegalStateException("missing transform-dsl/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample's generated orders ({@code Records.generate}: same seed, same fields). */
    static List<JsonNode> orders(int n) {
        String[] countries = {"FR", "DE", "JP", "BR", "US", "IN", "NG", "CA"};
        String[] currencies = {"EUR", "EUR", "JPY", "BRL", "USD", "INR", "NGN", "CAD"};
        Random random = new Random(42);
        List<JsonNode> orders = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(countries.length);
            ObjectNode o = JsonNodeFactory.instance
                    .objectNode()
                    .put("id", (long) i)
                    .put("customer", "customer-" + random.nextInt(10_000))
                    .put("country", countries[c])
                    .put("amount", Math.round(random.nextDouble() * 100_000) / 100.0)
                    .put("currency", currencies[c]);
            orders.add(o);
        }
        return orders;
    }
}
