package io.wasmbox.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmbox.transform.TransformException;
import io.wasmbox.transform.TransformSession;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A single message transform written in JavaScript, TypeScript or Python. The script defines {@code
 * transform(record)}; see kafka-connect/README.md for the record contract. Each instance (one per task)
 * owns one sandbox, made in {@link #configure} with the script run once and closed in {@link #close}.
 * A failing record is a {@link DataException} naming its topic, partition and offset, so Connect's
 * {@code errors.tolerance} and dead letter queue apply.
 */
public class ScriptTransform<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {
    static final ConfigDef CONFIG_DEF = ScriptConfig.configDef("transform");

    private ScriptRunner runner;

    @Override
    public void configure(Map<String, ?> props) {
        runner = new ScriptRunner(new ScriptConfig(CONFIG_DEF, props), "transform");
    }

    @Override
    public synchronized R apply(R record) {
        if (record == null) return null;
        JsonNode answer = runner.call(record);
        if (answer.isNull()) return null;
        try {
            return RecordJson.apply(record, answer);
        } catch (DataException e) {
            throw new DataException(ScriptRunner.where(record) + ": " + e.getMessage());
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public synchronized void close() {
        if (runner != null) runner.close();
        runner = null;
    }

    @Override
    public String version() {
        return ScriptRunner.VERSION;
    }

    /** The session, for tests. */
    TransformSession session() {
        return runner.session;
    }

    /** One sandboxed script and the record conversion, shared by the transform and the predicate. */
    static final class ScriptRunner implements AutoCloseable {
        static final String VERSION = version();
        final TransformSession session;
        private final RecordJson json = new RecordJson();
        private final String kind;

        ScriptRunner(ScriptConfig config, String kind) {
            this.kind = kind;
            TransformSession.Builder b = TransformSession.builder()
                    .language(config.language())
                    .script(config.script())
                    .function(config.function())
                    .memoryBytes(config.memoryBytes())
                    .perRecordTimeout(config.timeout())
                    .realtime(config.realtime())
                    .fileName(config.fileName());
            config.bindings().forEach(b::global);
            TransformSession s = b.build();
            try {
                s.open();
            } catch (TransformException e) {
                s.close();
                throw new ConfigException(
                        "the " + config.language() + " script of this " + kind + " cannot be used: " + e.getMessage());
            }
            this.session = s;
        }

        JsonNode call(ConnectRecord<?> record) {
            TransformSession.Result r;
            try {
                r = session.apply(json.toJson(record));
            } catch (TransformException e) {
                // the sandbox was replaced after a timeout or crash and the script no longer runs
                throw new DataException(where(record) + ": the script cannot be used: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new DataException(where(record) + ": " + e.getMessage(), e);
            }
            if (!r.ok()) {
                throw new DataException(where(record) + ": " + r.error() + " [" + r.failure() + "]");
            }
            return r.value();
        }

        static String where(ConnectRecord<?> record) {
            String offset = record instanceof org.apache.kafka.connect.sink.SinkRecord s
                    ? String.valueOf(s.kafkaOffset())
                    : "n/a";
            return "Wasmbox script failed on the record at topic=" + record.topic() + " partition="
                    + record.kafkaPartition() + " offset=" + offset;
        }

        @Override
        public void close() {
            session.close();
        }

        private static String version() {
            try (var in = ScriptTransform.class.getResourceAsStream("/io/wasmbox/connect/version.properties")) {
                var p = new Properties();
                if (in != null) p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
