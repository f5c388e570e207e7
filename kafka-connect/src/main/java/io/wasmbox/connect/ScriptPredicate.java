package io.wasmbox.connect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * A predicate written in JavaScript, TypeScript or Python, for {@code transforms.X.predicate}: the script
 * defines {@code test(record)} returning a boolean (same record contract and sandbox as {@link ScriptTransform}).
 * With Kafka's {@code Filter} transform it drops the records it matches.
 */
public class ScriptPredicate<R extends ConnectRecord<R>> implements Predicate<R>, Versioned {
    static final ConfigDef CONFIG_DEF = ScriptConfig.configDef("test");

    private ScriptTransform.ScriptRunner runner;

    @Override
    public void configure(Map<String, ?> props) {
        runner = new ScriptTransform.ScriptRunner(new ScriptConfig(CONFIG_DEF, props), "predicate");
    }

    @Override
    public synchronized boolean test(R record) {
        if (record == null) return false;
        JsonNode answer = runner.call(record);
        if (!answer.isBoolean()) {
            throw new DataException(ScriptTransform.ScriptRunner.where(record) + ": test must return a boolean, not "
                    + RecordJson.abbreviate(answer));
        }
        return answer.booleanValue();
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
        return ScriptTransform.ScriptRunner.VERSION;
    }
}
