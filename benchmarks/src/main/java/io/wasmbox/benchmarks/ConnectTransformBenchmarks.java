package io.wasmbox.benchmarks;

import io.wasmbox.connect.ScriptTransform;
import io.wasmbox.transform.TransformJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second of ONE Kafka Connect transform instance (one task's) applying the transform-dsl
 * sample's enrichment (drop amount <= 0, amount_usd from a rate table, tier) to schemaless order records:
 * <ul>
 * <li>{@code wasmbox-js}, {@code wasmbox-python}: {@link ScriptTransform}, the rate table as a {@code bindings.rates}
 *     global, one sandbox, one guest call per record (the record crosses as JSON both ways);
 * <li>{@code insertfield}: Kafka's built-in {@code InsertField$Value} adding a static field, the native ceiling
 *     (it does no arithmetic);
 * <li>{@code jsr223-groovy}, {@code jsr223-graaljs}: the mechanism of Debezium's scripting SMTs
 *     (io.debezium.transforms.scripting.Jsr223Engine / GraalJsEngine): the expression compiled once
 *     ({@code Compilable}), then per record {@code CompiledScript.eval(bindings)} with {@code key}, {@code value},
 *     {@code keySchema}, {@code valueSchema}, {@code topic} and {@code headers} bound (Groovy: fresh bindings per
 *     record; GraalJS: the engine-scope bindings with host access, as Debezium's GraalJsEngine). Debezium's own
 *     jar cannot be resolved here (its parent POM is not served), and its SMTs only filter and route, so the same
 *     engine calls run the same enrichment and the result becomes the record's new value. No sandbox: such a
 *     script can do whatever the worker can.
 * </ul>
 * Steady state needs a long warm-up for Wasmbox (its interpreter loops are compiled by C2 after tens of seconds).
 */
@State(Scope.Thread)
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
public class ConnectTransformBenchmarks {
    @Param({"wasmbox-js", "wasmbox-python", "insertfield", "jsr223-groovy", "jsr223-graaljs"})
    public String transform;

    static final String RATES =
            "{\"EUR\": 1.08, \"JPY\": 0.0067, \"BRL\": 0.2, \"USD\": 1.0, \"INR\": 0.012, \"NGN\": 0.00065, \"CAD\": 0.73}";

    static final String JS = """
            function transform(r) {
              const order = r.value;
              if (order.amount <= 0) return null;
              const usd = Math.round(order.amount * rates[order.currency] * 100) / 100;
              return { value: { ...order, amount_usd: usd, tier: usd > 500 ? 'gold' : 'standard' } };
            }""";

    static final String PYTHON = """
            def transform(r):
                order = r["value"]
                if order["amount"] <= 0:
                    return None
                usd = round(order["amount"] * rates[order["currency"]], 2)
                return {"value": {**order, "amount_usd": usd, "tier": "gold" if usd > 500 else "standard"}}
            """;

    static final String GROOVY = """
            if (value.amount <= 0) return null
            def usd = Math.round(value.amount * rates[value.currency] * 100) / 100.0d
            return value + [amount_usd: usd, tier: usd > 500 ? 'gold' : 'standard']
            """;

    static final String GRAALJS = """
            (function () {
              var amount = value.get('amount');
              if (amount <= 0) return null;
              var usd = Math.round(amount * rates.get(value.get('currency')) * 100) / 100;
              var out = new HashMap(value);
              out.put('amount_usd', usd);
              out.put('tier', usd > 500 ? 'gold' : 'standard');
              return out;
            })()""";

    private static final int RECORDS = 1024;
    private final SinkRecord[] records = new SinkRecord[RECORDS];
    private int next;
    private Transformation<SinkRecord> smt;

    @Setup(Level.Trial)
    public void setUp() {
        // the transform-dsl sample's generated orders (Records.generate), as schemaless Connect values
        String[] countries = {"FR", "DE", "JP", "BR", "US", "IN", "NG", "CA"};
        String[] currencies = {"EUR", "EUR", "JPY", "BRL", "USD", "INR", "NGN", "CAD"};
        Random random = new Random(42);
        for (int i = 0; i < RECORDS; i++) {
            int c = random.nextInt(countries.length);
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("id", (long) i);
            order.put("customer", "customer-" + random.nextInt(10_000));
            order.put("country", countries[c]);
            order.put("amount", Math.round(random.nextDouble() * 100_000) / 100.0);
            order.put("currency", currencies[c]);
            records[i] = new SinkRecord(
                    "orders",
                    i % 2,
                    null,
                    "order-" + i,
                    null,
                    order,
                    i,
                    1_700_000_000_000L + i,
                    TimestampType.CREATE_TIME);
        }
        smt = switch (transform) {
            case "wasmbox-js" -> wasmbox("javascript", JS);
            case "wasmbox-python" -> wasmbox("python", PYTHON);
            case "insertfield" -> {
                InsertField<SinkRecord> f = new InsertField.Value<>();
                f.configure(Map.of("static.field", "tier", "static.value", "standard"));
                yield f;
            }
            case "jsr223-groovy" -> new Jsr223Transform("groovy", GROOVY, false);
            case "jsr223-graaljs" -> new Jsr223Transform("graal.js", GRAALJS, true);
            default -> throw new IllegalArgumentException(transform);
        };
        // check that it does the enrichment (InsertField: its static field)
        SinkRecord out = smt.apply(records[0]);
        Map<?, ?> value = (Map<?, ?>) out.value();
        if (!value.containsKey("tier") || !transform.equals("insertfield") && !value.containsKey("amount_usd")) {
            throw new IllegalStateException(transform + " did not enrich the record: " + value);
        }
    }

    private static Transformation<SinkRecord> wasmbox(String language, String script) {
        ScriptTransform<SinkRecord> t = new ScriptTransform<>();
        t.configure(Map.of("language", language, "script", script, "bindings.rates", RATES));
        return t;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        smt.close();
    }

    /** One record through the transform; the score is records/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 6, time = 10)
    @Measurement(iterations = 4, time = 5)
    public SinkRecord apply() {
        SinkRecord r = records[next];
        next = (next + 1) & (RECORDS - 1);
        return smt.apply(r);
    }

    /** Debezium's per-record JSR-223 evaluation, with the enrichment's result as the new value. */
    static final class Jsr223Transform implements Transformation<SinkRecord> {
        private final ScriptEngine engine;
        private final CompiledScript script;
        private final boolean engineScope;
        private final Map<String, Object> rates;

        Jsr223Transform(String engineName, String expression, boolean graal) {
            engine = new ScriptEngineManager().getEngineByName(engineName);
            if (engine == null) throw new IllegalStateException("no JSR-223 engine " + engineName);
            this.engineScope = graal;
            Map<String, Object> r = new HashMap<>();
            TransformJson.parse(RATES)
                    .properties()
                    .forEach(e -> r.put(e.getKey(), e.getValue().asDouble()));
            rates = r;
            if (graal) {
                Bindings b = engine.getBindings(ScriptContext.ENGINE_SCOPE);
                b.put("polyglot.js.allowHostAccess", true);
                b.put("polyglot.js.allowHostClassLookup", (Predicate<String>) s -> true);
                try {
                    engine.eval("var HashMap = Java.type('java.util.HashMap');");
                } catch (ScriptException e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                script = ((Compilable) engine).compile(expression);
            } catch (ScriptException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public SinkRecord apply(SinkRecord record) {
            Bindings b = engineScope ? engine.getBindings(ScriptContext.ENGINE_SCOPE) : engine.createBindings();
            b.put("key", record.key());
            b.put("value", record.value());
            b.put("keySchema", record.keySchema());
            b.put("valueSchema", record.valueSchema());
            b.put("topic", record.topic());
            b.put("headers", Map.of());
            b.put("rates", rates);
            Object value;
            try {
                value = script.eval(b);
            } catch (ScriptException e) {
                throw new org.apache.kafka.connect.errors.DataException(e);
            }
            if (value == null) return null;
            return record.newRecord(
                    record.topic(),
                    record.kafkaPartition(),
                    record.keySchema(),
                    record.key(),
                    null,
                    value,
                    record.timestamp());
        }

        @Override
        public org.apache.kafka.common.config.ConfigDef config() {
            return new org.apache.kafka.common.config.ConfigDef();
        }

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }
}
