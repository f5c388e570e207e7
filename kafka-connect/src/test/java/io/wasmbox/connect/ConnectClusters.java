package io.wasmbox.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Helpers shared by the cluster tests: connector config, producing, waiting for what the sink got. */
final class ConnectClusters {
    /** The machine running the tests may be busy: waits are generous (they end as soon as the records are in). */
    static final Duration WAIT = Duration.ofSeconds(Long.getLong("connect.test.wait.seconds", 180));

    private ConnectClusters() {}

    /** A sink connector (the collecting sink) on {@code topic}, schemaless JSON values, string keys. */
    static Map<String, String> sink(String topic, int tasks, String... more) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", CollectingSinkConnector.class.getName());
        c.put("tasks.max", String.valueOf(tasks));
        c.put("topics", topic);
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        c.put("consumer.override.auto.offset.reset", "earliest");
        for (int i = 0; i < more.length; i += 2) c.put(more[i], more[i + 1]);
        return c;
    }

    /** Waits until the sink of {@code connector} got {@code n} records (or more), then returns them. */
    static List<SinkRecord> awaitRecords(EmbeddedConnectCluster connect, String connector, int n)
            throws InterruptedException {
        Queue<SinkRecord> got = CollectingSinkConnector.of(connector);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < n && System.nanoTime() < deadline) Thread.sleep(100);
        if (got.size() < n) {
            // say why: the connector's and tasks' states and traces
            assertThat(got)
                    .as("records the sink of %s received; status: %s", connector, connect.connectorStatus(connector))
                    .hasSizeGreaterThanOrEqualTo(n);
        }
        return List.copyOf(got);
    }

    static void startAndAwait(EmbeddedConnectCluster connect, String name, Map<String, String> config, int tasks)
            throws InterruptedException {
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, name + " did not start");
    }
}
