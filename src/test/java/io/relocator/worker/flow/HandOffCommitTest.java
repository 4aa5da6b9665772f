package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * Commits at hand-off: the committed offset of a requests partition passes a request as soon as it is handed to the
 * fleet's scheduler, not when its migration ends, so a slow migration holds back no one's offset. Nothing is lost by
 * it: from the hand-off on, the request is kept outside the requests topic, by its {@code HANDED_OFF} (later
 * {@code IN_FLIGHT}) mark in the outcome store and by its entry in the scheduler's state topic, and it still ends
 * exactly once.
 *
 * <p>One partition gets a fast request, then a slow one (A), then more fast ones. While A is still at the Agent, the
 * group must commit the whole partition, past A and the ones after it; A's mark and its GRANTED ledger entry must be
 * committed meanwhile. A then completes once, and every request was migrated once.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class HandOffCommitTest extends FlowTestSupport {

    private static final String GROUP = "relocator-worker";
    private static final int PARTITION = 0;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The slow request's source. Not {@value SimulatedNodesResource#IMPATIENT}: its one-second receive timeout would
     * end A as IN_DOUBT before the checks below are done. The slow migration goes into
     * {@value SimulatedNodesResource#IMPATIENT}, a target no other test measures.
     */
    private static final String SLOW_SOURCE = SimulatedNodesResource.FAULTY;
    private static final String SLOW_TARGET = SimulatedNodesResource.IMPATIENT;
    private static final int FAST_AFTER_A = 5;

    /**
     * How long A's migration takes. The simulator fixes a migration's latency when it accepts it, so A ends when this
     * is up, whatever the node's latency is set to afterwards: it must outlast the fast requests, the commit to the
     * end and the reading of two topics on a loaded machine. If it does not, the test fails saying so, rather than
     * pass on checks made after A ended.
     */
    private static final Duration SLOW = Duration.ofSeconds(30);

    @AfterEach
    void restoreLatency() {
        new SimulatorAdmin(port).latency(SLOW_SOURCE, -1);
    }

    @Test
    void theCommittedOffsetPassesTheSlowRequestOnceItIsHandedOff() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency(SLOW_SOURCE, SLOW.toMillis());
        String run = "hand-off-" + UUID.randomUUID();
        TopicPartition p = new TopicPartition(RequestPublisher.TOPIC, PARTITION);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            long endBefore = endOffset(admin, p);
            assertTrue(committed(admin, p) <= endBefore, "earlier tests' offsets of " + p);

            Map<String, String> containerOf = new HashMap<>();
            String before = run + "-before";
            assertEquals(endBefore, send(producer, simulator, containerOf, before, "hn-01", "hn-02"),
                    "nothing else published");
            String a = run + "-slow";
            long aOffset = send(producer, simulator, containerOf, a, SLOW_SOURCE, SLOW_TARGET);
            String aContainer = containerOf.get(a);
            List<String> after = new ArrayList<>();
            long last = aOffset;
            for (int i = 0; i < FAST_AFTER_A; i++) {
                String source = SimulatedNodesResource.NODES.get(i % 4);
                String target = SimulatedNodesResource.NODES.get((i + 1) % 4);
                String id = run + "-after-" + i;
                after.add(id);
                long offset = send(producer, simulator, containerOf, id, source, target);
                assertTrue(offset > last, "published in order to " + p);
                last = offset;
            }
            long end = last + 1;
            List<String> fast = new ArrayList<>(after);
            fast.add(before);

            // Every fast request has its outcome while A is still at the Agent.
            Map<String, List<PublishedEvent>> seen = eventsUntil(ids -> ids.containsKey(a)
                    && fast.stream().allMatch(id -> terminal(ids, id)));
            assertEquals(List.of("STARTED"), statuses(seen, a), "A is still running");
            assertInFlight(simulator, aContainer, "A is at the Agent");

            // (1) The group commits the whole partition, past A, although A has not ended. A worker that held the
            // offset at A until A's outcome would commit it only once A left the Agent: that fails at once.
            assertEquals(end, endOffset(admin, p), "nothing else published to " + p);
            await("the group commits " + p + " to its end " + end + " while A at " + aOffset + " runs")
                    .atMost(SLOW)
                    .pollInterval(Duration.ofMillis(250))
                    .failFast("A left the Agent before the group committed past it",
                            () -> !onSource(simulator, aContainer))
                    .until(() -> committed(admin, p) == end);

            // (2) Meanwhile A is kept outside the requests topic: its mark in the outcome store, its grant in the
            // scheduler's state.
            JsonNode mark = latest("migration-outcomes", PARTITION, a + "/in-flight");
            assertNotNull(mark, "A has an in-flight mark in the outcome store");
            String stage = mark.path("stage").asText();
            assertTrue(Set.of("HANDED_OFF", "IN_FLIGHT").contains(stage), "A's mark is " + stage);
            JsonNode entry = latest("relocator-sched-state", 0, "r:" + a);
            assertNotNull(entry, "A has an entry in the scheduler's state");
            assertEquals("GRANTED", entry.path("state").asText(), "A's ledger entry");
            assertEquals(PARTITION, entry.path("partition").asInt(), "A's ledger entry names its partition");

            // The checks above were made while A ran only if it is running still.
            Map<String, List<PublishedEvent>> meanwhile;
            try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
                meanwhile = byRequest(reader.readToEnd(WAIT));
            }
            assertEquals(List.of("STARTED"), statuses(meanwhile, a),
                    "A ended before the checks were done, so they proved nothing: make A slower");
            assertInFlight(simulator, aContainer,
                    "A left the Agent before the checks were done, so they proved nothing: make A slower");

            // (3) A ends, once, COMPLETED; every request was sent to its Agent once and ended once.
            eventsFor(bootstrap, Set.of(a), SLOW.plus(WAIT));
            Map<String, List<PublishedEvent>> all;
            try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
                all = byRequest(reader.readToEnd(WAIT));
            }
            assertEquals(List.of("STARTED", "COMPLETED"), statuses(all, a), "A ends once");
            assertTrue(last(all, a).body().path("durationMs").asLong() >= SLOW.toMillis(), "A was the slow one");
            fast.forEach(id -> assertEquals(List.of("STARTED", "COMPLETED"), statuses(all, id), id + " ends once"));
            JsonNode calls = simulator.stats().path("containerMigrateCalls");
            containerOf.forEach((id, container) ->
                    assertEquals(1, calls.path(container).asInt(), "the migration of " + id + " was sent once"));
            assertEquals(end, committed(admin, p), "the committed offset of " + p + " stays at its end");
        }
    }

    /** Places a container on the source and publishes its request to {@link #PARTITION}; returns its offset. */
    private long send(KafkaProducer<byte[], byte[]> producer, SimulatorAdmin simulator,
            Map<String, String> containerOf, String requestId, String source, String target)
            throws InterruptedException, ExecutionException {
        String container = UUID.randomUUID().toString();
        containerOf.put(requestId, container);
        simulator.placeContainer(source, container);
        return producer.send(new ProducerRecord<>(RequestPublisher.TOPIC, PARTITION,
                container.getBytes(StandardCharsets.UTF_8),
                request(requestId, container, source, target).getBytes(StandardCharsets.UTF_8))).get().offset();
    }

    /** The slow migration is running at the simulator: sent once, its container still on the source, one outgoing. */
    private static void assertInFlight(SimulatorAdmin simulator, String container, String message) {
        JsonNode stats = simulator.stats();
        JsonNode source = stats.path("nodes").path(SLOW_SOURCE);
        assertEquals(1, stats.path("containerMigrateCalls").path(container).asInt(), message + ": sent once");
        assertTrue(source.path("inFlightOut").asInt() >= 1, message + ": a migration out of " + SLOW_SOURCE);
        assertTrue(onSource(simulator, container), message + ": its container is still on " + SLOW_SOURCE);
    }

    /** Whether the container is still on the slow source: the simulator moves it only when the migration ends. */
    private static boolean onSource(SimulatorAdmin simulator, String container) {
        for (JsonNode held : simulator.stats().path("nodes").path(SLOW_SOURCE).path("containers")) {
            if (container.equals(held.asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value of the latest record with this key in one partition of a topic, read {@code read_committed} up to
     * its end; null when there is none, or when the latest is a tombstone.
     */
    private JsonNode latest(String topic, int partition, String key) throws IOException {
        byte[] value = null;
        try (TopicReader reader = new TopicReader(bootstrap, topic)) {
            for (ConsumerRecord<byte[], byte[]> record : reader.readToEnd(WAIT)) {
                if (record.partition() == partition && record.key() != null
                        && key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    value = record.value();
                }
            }
        }
        return value == null ? null : JSON.readTree(value);
    }

    /** Reads the events topic until {@code done} holds for the events of this test's requests, by requestId. */
    private Map<String, List<PublishedEvent>> eventsUntil(Predicate<Map<String, List<PublishedEvent>>> done) {
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
            return byRequest(reader.readUntil(records -> done.test(byRequest(records)), WAIT));
        }
    }

    private static Map<String, List<PublishedEvent>> byRequest(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<PublishedEvent>> events = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PublishedEvent event = PublishedEvent.of(record);
            events.computeIfAbsent(event.requestId(), id -> new ArrayList<>()).add(event);
        }
        return events;
    }

    private static boolean terminal(Map<String, List<PublishedEvent>> events, String requestId) {
        return events.getOrDefault(requestId, List.of()).stream().anyMatch(PublishedEvent::isTerminal);
    }

    private static List<String> statuses(Map<String, List<PublishedEvent>> events, String requestId) {
        return events.getOrDefault(requestId, List.of()).stream().map(PublishedEvent::status).toList();
    }

    private static PublishedEvent last(Map<String, List<PublishedEvent>> events, String requestId) {
        List<PublishedEvent> history = events.get(requestId);
        assertFalse(history == null || history.isEmpty(), "no event for " + requestId);
        return history.get(history.size() - 1);
    }

    /** The group's committed offset of the partition: the next offset it would read; 0 when none is committed. */
    private static long committed(Admin admin, TopicPartition p) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().get(p);
        return offset == null ? 0L : offset.offset();
    }

    private static long endOffset(Admin admin, TopicPartition p) throws Exception {
        return admin.listOffsets(Map.of(p, OffsetSpec.latest())).all().get().get(p).offset();
    }
}
