package io.wasmbox.connect;

import static io.wasmbox.connect.ConnectClusters.awaitRecords;
import static io.wasmbox.connect.ConnectClusters.sink;
import static io.wasmbox.connect.ConnectClusters.startAndAwait;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transform inside a real Connect cluster: Kafka's EmbeddedConnectCluster, a KRaft broker and two
 * distributed workers in this JVM, a sink connector with two tasks over two-partition topics.
 */
@Timeout(600)
class ConnectClusterTest {
    private static EmbeddedConnectCluster connect;

    static final String JS_ENRICH = """
            // the transform-dsl sample's enrichment, on a Connect record: drop, reroute, rewrite
            function transform(r) {
              const o = r.value;
              if (o.amount <= 0) return null;
              const usd = Math.round(o.amount * rates[o.currency] * 100) / 100;
              const value = { ...o, amount_usd: usd, tier: usd > 500 ? 'gold' : 'standard', lang: 'javascript' };
              return usd > 500 ? { topic: r.topic + '.gold', value, headers: { partition: r.partition } } : { value };
            }""";

    static final String PY_ENRICH = """
            def transform(r):
                o = r["value"]
                if o["amount"] <= 0:
                    return None
                usd = round(o["amount"] * rates[o["currency"]], 2)
                value = {**o, "amount_usd": usd, "tier": "gold" if usd > 500 else "standard", "lang": "python"}
                if usd > 500:
                    return {"topic": r["topic"] + ".gold", "value": value, "headers": {"partition": r["partition"]}}
                return {"value": value}
            """;

    @BeforeAll
    static void start() {
        connect = new EmbeddedConnectCluster.Builder()
                .name("wasmbox-connect")
                .numWorkers(2)
                .numBrokers(1)
                .build();
        connect.start();
    }

    @AfterAll
    static void stop() {
        if (connect != null) connect.stop();
    }

    /** 20 orders over partitions 0 and 1: ids 0, 5, 10, 15 have amount 0 (dropped), id x 100 EUR otherwise. */
    private static void produceOrders(String topic) {
        connect.kafka().createTopic(topic, 2);
        for (int id = 0; id < 20; id++) {
            int amount = id % 5 == 0 ? 0 : id * 100;
            connect.kafka()
                    .produce(
                            topic,
                            id % 2,
                            "order-" + id,
                            "{\"id\":" + id + ",\"amount\":" + amount + ",\"currency\":\"EUR\"}");
        }
    }

    private void enrichOverTwoPartitions(String language, String script) throws Exception {
        String topic = "orders-" + language;
        String name = "enrich-" + language;
        produceOrders(topic);
        startAndAwait(
                connect,
                name,
                sink(
                        topic,
                        2,
                        "transforms",
                        "enrich",
                        "transforms.enrich.type",
                        ScriptTransform.class.getName(),
                        "transforms.enrich.language",
                        language,
                        "transforms.enrich.script",
                        script,
                        "transforms.enrich.limits.timeout",
                        "5s",
                        "transforms.enrich.bindings.rates",
                        "{\"EUR\": 1.08, \"USD\": 1.0}"),
                2);
        List<SinkRecord> got = awaitRecords(connect, name, 16);
        Thread.sleep(2_000); // nothing more arrives: the dropped records stay dropped
        got = List.copyOf(CollectingSinkConnector.of(name));
        assertThat(got).hasSize(16);
        Set<Long> ids = got.stream()
                .map(r -> (Long) ((Map<?, ?>) r.value()).get("id"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(ids).doesNotContain(0L, 5L, 10L, 15L).hasSize(16);
        assertThat(got)
                .extracting(SinkRecord::kafkaPartition)
                .containsOnly(0, 1)
                .contains(0, 1);
        for (SinkRecord r : got) {
            Map<?, ?> v = (Map<?, ?>) r.value();
            long id = (Long) v.get("id");
            assertThat(v.get("lang")).isEqualTo(language);
            assertThat(((Number) v.get("amount_usd")).doubleValue())
                    .isEqualTo(Math.round(id * 100 * 1.08 * 100) / 100.0);
            assertThat(r.key()).isEqualTo("order-" + id);
            assertThat(r.kafkaPartition()).isEqualTo((int) (id % 2));
            if (id * 108 > 500) {
                assertThat(r.topic()).isEqualTo(topic + ".gold");
                assertThat(v.get("tier")).isEqualTo("gold");
                assertThat(r.headers().lastWithName("partition").value()).isEqualTo(id % 2);
            } else {
                assertThat(r.topic()).isEqualTo(topic);
                assertThat(v.get("tier")).isEqualTo("standard");
                assertThat(r.headers().lastWithName("partition")).isNull();
            }
        }
        connect.deleteConnector(name);
    }

    @Test
    void javascriptDropsReroutesAndRewritesOverTwoPartitions() throws Exception {
        enrichOverTwoPartitions("javascript", JS_ENRICH);
    }

    @Test
    void pythonDropsReroutesAndRewritesOverTwoPartitions() throws Exception {
        enrichOverTwoPartitions("python", PY_ENRICH);
    }

    private static List<Long> ids(Collection<SinkRecord> records) {
        return records.stream()
                .map(r -> (Long) ((Map<?, ?>) r.value()).get("id"))
                .toList();
    }

    private static Map<String, String> deadLetters(String dlq) {
        return Map.of(
                "errors.tolerance",
                "all",
                "errors.deadletterqueue.topic.name",
                dlq,
                "errors.deadletterqueue.topic.replication.factor",
                "1",
                "errors.deadletterqueue.context.headers.enable",
                "true",
                "errors.log.enable",
                "true");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String[] with(Map<String, String> a, String... b) {
        List<String> all = new ArrayList<>(List.of(b));
        a.forEach((k, v) -> {
            all.add(k);
            all.add(v);
        });
        return all.toArray(String[]::new);
    }

    @Test
    void aThrowingScriptSendsItsRecordsToTheDeadLetterQueue() throws Exception {
        String topic = "orders-throw";
        String name = "throwing";
        produceOrders(topic);
        startAndAwait(
                connect,
                name,
                sink(
                        topic,
                        2,
                        with(
                                deadLetters("dlq-throw"),
                                "transforms",
                                "t",
                                "transforms.t.type",
                                ScriptTransform.class.getName(),
                                "transforms.t.language",
                                "python",
                                "transforms.t.limits.timeout",
                                "5s",
                                "transforms.t.script",
                                """
                        def transform(r):
                            if r["value"]["id"] % 4 == 3:
                                raise ValueError("boom on order %d" % r["value"]["id"])
                            return {"value": {"id": r["value"]["id"], "ok": True}}
                        """)),
                2);
        // ids 3, 7, 11, 15, 19 fail; the 15 others go through
        List<SinkRecord> got = awaitRecords(connect, name, 15);
        assertThat(ids(got))
                .containsExactlyInAnyOrder(0L, 1L, 2L, 4L, 5L, 6L, 8L, 9L, 10L, 12L, 13L, 14L, 16L, 17L, 18L);
        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(5, ConnectClusters.WAIT.toMillis(), "dlq-throw");
        assertThat(dead.count()).isEqualTo(5);
        Set<String> keys = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            keys.add(new String(r.key(), StandardCharsets.UTF_8));
            String message = header(r, "__connect.errors.exception.message");
            assertThat(message)
                    .contains("topic=" + topic)
                    .contains("partition=" + header(r, "__connect.errors.partition"))
                    .contains("offset=" + header(r, "__connect.errors.offset"))
                    .contains("ValueError: boom on order");
            assertThat(header(r, "__connect.errors.exception.class.name"))
                    .isEqualTo("org.apache.kafka.connect.errors.DataException");
            assertThat(header(r, "__connect.errors.stage")).isEqualTo("TRANSFORMATION");
        }
        assertThat(keys).containsExactly("order-11", "order-15", "order-19", "order-3", "order-7");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "tasks must survive script errors");
        connect.deleteConnector(name);
    }

    @Test
    void anEndlessLoopTimesOutItsRecordGoesToTheDeadLetterQueueAndTheTaskSurvives() throws Exception {
        String topic = "orders-loop";
        String name = "looping";
        produceOrders(topic);
        startAndAwait(
                connect,
                name,
                sink(
                        topic,
                        2,
                        with(
                                deadLetters("dlq-loop"),
                                "transforms",
                                "t",
                                "transforms.t.type",
                                ScriptTransform.class.getName(),
                                "transforms.t.language",
                                "javascript",
                                "transforms.t.limits.timeout",
                                "3s",
                                "transforms.t.script",
                                """
                        function transform(r) {
                          if (r.value.id === 7) { for (;;) {} }
                          return { value: { id: r.value.id, seen: true } };
                        }""")),
                2);
        List<SinkRecord> got = awaitRecords(connect, name, 19);
        assertThat(ids(got)).doesNotContain(7L).hasSize(19);
        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(1, ConnectClusters.WAIT.toMillis(), "dlq-loop");
        ConsumerRecord<byte[], byte[]> only = dead.iterator().next();
        assertThat(new String(only.key(), StandardCharsets.UTF_8)).isEqualTo("order-7");
        assertThat(header(only, "__connect.errors.exception.message"))
                .contains("topic=" + topic + " partition=1")
                .contains("timed out")
                .contains("TIMEOUT");
        // records after the looping one, on the same partition, went through the recreated sandbox
        assertThat(ids(got)).contains(9L, 11L, 13L, 15L, 17L, 19L);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "the task must survive the loop");
        connect.deleteConnector(name);
    }

    @Test
    void aScriptPredicateFiltersWithKafkasFilter() throws Exception {
        String topic = "orders-filter";
        String name = "filtering";
        produceOrders(topic);
        startAndAwait(
                connect,
                name,
                sink(
                        topic,
                        2,
                        "transforms",
                        "dropSmall",
                        "transforms.dropSmall.type",
                        "org.apache.kafka.connect.transforms.Filter",
                        "transforms.dropSmall.predicate",
                        "small",
                        "predicates",
                        "small",
                        "predicates.small.type",
                        ScriptPredicate.class.getName(),
                        "predicates.small.language",
                        "python",
                        "predicates.small.limits.timeout",
                        "5s",
                        "predicates.small.script",
                        "def test(r):\n    return r['value']['amount'] < 1000\n"),
                2);
        // amounts: 0 for 0/5/10/15, id x 100 otherwise: ids 11..19 minus 15 are >= 1000
        List<SinkRecord> got = awaitRecords(connect, name, 8);
        Thread.sleep(2_000);
        assertThat(ids(CollectingSinkConnector.of(name)))
                .containsExactlyInAnyOrder(11L, 12L, 13L, 14L, 16L, 17L, 18L, 19L);
        assertThat(got).allSatisfy(r -> assertThat(r.topic()).isEqualTo(topic));
        connect.deleteConnector(name);
    }

    @Test
    void connectValidationShowsTheConfigErrors() {
        ConfigInfos infos = connect.validateConnectorConfig(
                CollectingSinkConnector.class.getSimpleName(),
                sink(
                        "unused",
                        1,
                        "name",
                        "invalid",
                        "transforms",
                        "t",
                        "transforms.t.type",
                        ScriptTransform.class.getName(),
                        "transforms.t.language",
                        "cobol",
                        "transforms.t.script",
                        "function transform(r) { return r }",
                        "transforms.t.limits.memory",
                        "8g"));
        List<String> errors = infos.configs().stream()
                .flatMap(c -> c.configValue().errors().stream()
                        .map(e -> c.configValue().name() + ": " + e))
                .toList();
        assertThat(infos.errorCount()).as(errors.toString()).isEqualTo(2);
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("must be one of javascript, typescript, python"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("is above the worker's ceiling of 256m"));
    }
}
