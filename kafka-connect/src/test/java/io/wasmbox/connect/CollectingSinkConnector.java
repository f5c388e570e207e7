package io.wasmbox.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink that keeps every record it is given (after the transforms), per connector name, in this JVM:
 * the embedded workers run in the test JVM and load it from the class path.
 */
public class CollectingSinkConnector extends SinkConnector {
    static final Map<String, Queue<SinkRecord>> RECORDS = new ConcurrentHashMap<>();

    static Queue<SinkRecord> of(String connector) {
        return RECORDS.computeIfAbsent(connector, k -> new ConcurrentLinkedQueue<>());
    }

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CollectingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) configs.add(props);
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "test";
    }

    public static class CollectingTask extends SinkTask {
        private Queue<SinkRecord> sink;

        @Override
        public String version() {
            return "test";
        }

        @Override
        public void start(Map<String, String> props) {
            sink = of(props.get("name"));
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            sink.addAll(records);
        }

        @Override
        public void stop() {}
    }
}
