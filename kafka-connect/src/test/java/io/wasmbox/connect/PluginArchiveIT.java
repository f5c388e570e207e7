package io.wasmbox.connect;

import static io.wasmbox.connect.ConnectClusters.awaitRecords;
import static io.wasmbox.connect.ConnectClusters.sink;
import static io.wasmbox.connect.ConnectClusters.startAndAwait;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin archive (target/wasmbox-kafka-connect-VERSION.zip) unzipped into a worker's plugin.path and
 * used by a connector. Runs after package (failsafe) on a class path that holds none of Wasmbox: the
 * worker can only find the transform, its engines and their Jackson in the archive's lib/, under its own
 * plugin class loader, next to the worker's Jackson.
 */
@Timeout(600)
class PluginArchiveIT {
    private static final String TRANSFORM = "io.wasmbox.connect.ScriptTransform";
    private static final String PREDICATE = "io.wasmbox.connect.ScriptPredicate";

    @Test
    void theArchiveLoadsThroughPluginPath(@TempDir Path plugins) throws Exception {
        assertThatThrownBy(() -> Class.forName(TRANSFORM))
                .as("Wasmbox must not be on this test's class path")
                .isInstanceOf(ClassNotFoundException.class);
        Path archive = Path.of(System.getProperty("plugin.archive"));
        List<String> entries = unzip(archive, plugins);
        String base = entries.getFirst().substring(0, entries.getFirst().indexOf('/') + 1);
        assertThat(entries)
                .contains(base + "manifest.json", base + "doc/README.md")
                .anyMatch(e -> e.matches(".*/lib/wasmbox-kafka-connect-.*\\.jar"))
                .anyMatch(e -> e.matches(".*/lib/wasmbox-engine-js-.*\\.jar"))
                .anyMatch(e -> e.matches(".*/lib/wasmbox-engine-python-.*\\.jar"))
                .anyMatch(e -> e.matches(".*/lib/wasmbox-transform-core-.*\\.jar"))
                .anyMatch(e -> e.matches(".*/lib/jackson-databind-.*\\.jar"))
                .noneMatch(e -> e.matches(".*/lib/(connect-api|connect-json|kafka-clients)-.*\\.jar"));

        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                .name("wasmbox-plugin-path")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(
                        new HashMap<>(Map.of("plugin.path", plugins.toString(), "plugin.discovery", "hybrid_fail")))
                .build();
        connect.start();
        try {
            String listed = connect.requestGet(connect.endpointForResource("connector-plugins?connectorsOnly=false"))
                    .getEntity()
                    .toString();
            assertThat(listed).contains(TRANSFORM).contains(PREDICATE);

            String topic = "orders-plugin";
            connect.kafka().createTopic(topic, 2);
            for (int id = 0; id < 6; id++) {
                connect.kafka().produce(topic, id % 2, "k" + id, "{\"id\":" + id + ",\"amount\":" + (id * 100) + "}");
            }
            startAndAwait(
                    connect,
                    "from-archive",
                    sink(
                            topic,
                            1,
                            "transforms",
                            "drop,js",
                            "transforms.drop.type",
                            "org.apache.kafka.connect.transforms.Filter",
                            "transforms.drop.predicate",
                            "odd",
                            "predicates",
                            "odd",
                            "predicates.odd.type",
                            PREDICATE,
                            "predicates.odd.language",
                            "python",
                            "predicates.odd.limits.timeout",
                            "5s",
                            "predicates.odd.script",
                            "def test(r):\n    return r['value']['id'] % 2 == 1\n",
                            "transforms.js.type",
                            TRANSFORM,
                            "transforms.js.language",
                            "javascript",
                            "transforms.js.limits.timeout",
                            "5s",
                            "transforms.js.script",
                            "function transform(r) { return { value: { ...r.value, usd: r.value.amount * 2 } } }"),
                    1);
            List<SinkRecord> got = awaitRecords(connect, "from-archive", 3);
            Thread.sleep(1_000);
            assertThat(CollectingSinkConnector.of("from-archive"))
                    .extracting(SinkRecord::value)
                    .containsExactlyInAnyOrder(
                            Map.of("id", 0L, "amount", 0L, "usd", 0L),
                            Map.of("id", 2L, "amount", 200L, "usd", 400L),
                            Map.of("id", 4L, "amount", 400L, "usd", 800L));
            assertThat(got).hasSize(3);
        } finally {
            connect.stop();
        }
    }

    private static List<String> unzip(Path archive, Path into) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) throw new IOException("bad entry " + e.getName());
                if (e.isDirectory()) Files.createDirectories(target);
                else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
        names.removeIf(n -> n.endsWith("/"));
        return names;
    }
}
