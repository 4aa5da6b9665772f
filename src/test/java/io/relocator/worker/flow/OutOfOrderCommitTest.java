package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.awaitility.core.ThrowingRunnable;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * Safe commits with out-of-order completion: requests finish in any order, yet the committed offset of a partition
 * never passes a request whose terminal event is not yet acknowledged by the broker.
 *
 * <p>One partition gets a fast request, then a slow one (A), then more fast ones. The fast ones after A end long
 * before it. The group must commit up to A, and no further, until A's outcome is published.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OutOfOrderCommitTest extends FlowTestSupport {

    private static final String GROUP = "relocator-worker";
    private static final int PARTITION = 0;

    /**
     * The slow request's source. Not {@value SimulatedNodesResource#IMPATIENT}: its one-second receive timeout would
     * end A as IN_DOUBT long before a commit interval has gone by. The slow migration goes into
     * {@value SimulatedNodesResource#IMPATIENT}, a target no other test measures.
     */
    private static final String SLOW_SOURCE = SimulatedNodesResource.FAULTY;
    private static final String SLOW_TARGET = SimulatedNodesResource.IMPATIENT;
    private static final int FAST_AFTER_A = 5;

    /** Slack for the gap between seeing an event and the worker's ack of it, and for a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    /** The throttled strategy commits on this period, so one period after an ack its offset would be committed. */
    @ConfigProperty(name = "mp.messaging.incoming.requests.auto.commit.interval.ms", defaultValue = "5000")
    long commitIntervalMs;

    @AfterEach
    void restoreLatency() {
        new SimulatorAdmin(port).latency(SLOW_SOURCE, -1);
    }

    @Test
    void theCommittedOffsetWaitsForTheSlowRequestWhileLaterOnesComplete() throws Exception {
        Duration commitInterval = Duration.ofMillis(commitIntervalMs);
        // What the group commits once the later requests are acked is only seen a commit interval later: A must
        // outlast the wait for the fast ones, the commit up to A, and a whole interval after that, by far.
        Duration slow = commitInterval.multipliedBy(3).plusSeconds(5);
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency(SLOW_SOURCE, slow.toMillis());
        String run = "out-of-order-" + UUID.randomUUID();
        TopicPartition p = new TopicPartition(RequestPublisher.TOPIC, PARTITION);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            long endBefore = endOffset(admin, p);
            long committedBefore = committed(admin, p);
            assertTrue(committedBefore <= endBefore, "earlier tests' offsets of " + p);

            // A fast request ahead of A: the group must commit past it, so the commits are seen to be working and
            // the offset held at A below is a choice, not a connector that has not committed anything yet.
            String before = run + "-before";
            assertEquals(endBefore, send(producer, simulator, before, "hn-01", "hn-02"), "nothing else published");
            String a = run + "-slow";
            long aOffset = send(producer, simulator, a, SLOW_SOURCE, SLOW_TARGET);
            List<String> after = new ArrayList<>();
            Map<String, Long> offsetOf = new HashMap<>();
            for (int i = 0; i < FAST_AFTER_A; i++) {
                String source = SimulatedNodesResource.NODES.get(i % 4);
                String target = SimulatedNodesResource.NODES.get((i + 1) % 4);
                String id = run + "-after-" + i;
                after.add(id);
                offsetOf.put(id, send(producer, simulator, id, source, target));
            }
            offsetOf.values().forEach(offset -> assertTrue(offset > aOffset, "published after A in " + p));

            // Out of order: every request after A has its outcome while A is still at the Agent.
            Map<String, List<PublishedEvent>> seen = eventsUntil(ids -> ids.containsKey(a)
                    && terminal(ids, before) && after.stream().allMatch(id -> terminal(ids, id)));
            assertEquals(List.of("STARTED"), statuses(seen, a), "A is still running");
            assertEquals("COMPLETED", last(seen, before).status());
            after.forEach(id -> assertEquals("COMPLETED", last(seen, id).status(), id));

            // The group catches up to A: everything before it has its outcome. It never goes past A.
            await("the group commits " + p + " up to A at " + aOffset)
                    .atMost(commitInterval.multipliedBy(2).plus(MARGIN.multipliedBy(5)))
                    .pollInterval(Duration.ofMillis(250))
                    .failFast(neverPast(admin, p, aOffset))
                    .until(() -> committed(admin, p) == aOffset);
            // The later requests were acked before this point: a worker that committed them (or that acked A on
            // STARTED) would have moved the offset past A within one commit interval. It must stay put.
            Duration window = commitInterval.plus(MARGIN);
            await("the committed offset of " + p + " stays at A for " + window)
                    .during(window)
                    .atMost(window.plus(MARGIN.multipliedBy(3)))
                    .pollInterval(Duration.ofMillis(250))
                    .failFast(neverPast(admin, p, aOffset))
                    .until(() -> committed(admin, p) <= aOffset);
            // Only meaningful if A was in flight the whole time: no outcome of A up to the end of the events topic.
            Map<String, List<PublishedEvent>> meanwhile;
            try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
                meanwhile = byRequest(reader.readToEnd(WAIT));
            }
            assertEquals(List.of("STARTED"), statuses(meanwhile, a),
                    "A ended during the window, so the window proved nothing: make A slower");

            // Once A's outcome is acknowledged, the group commits the whole partition.
            PublishedEvent outcome = last(eventsFor(bootstrap, Set.of(a)), a);
            assertEquals("COMPLETED", outcome.status());
            assertTrue(outcome.body().path("durationMs").asLong() >= slow.toMillis(), "A was the slow one");
            long end = endOffset(admin, p);
            assertEquals(offsetOf.get(after.get(FAST_AFTER_A - 1)) + 1, end, "nothing else published to " + p);
            await("the group commits " + p + " to its end " + end + " once A has its outcome")
                    .atMost(commitInterval.multipliedBy(2).plus(MARGIN.multipliedBy(5)))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> committed(admin, p) == end);
        }
    }

    /** Places a container on the source and publishes its request to {@link #PARTITION}; returns its offset. */
    private long send(KafkaProducer<byte[], byte[]> producer, SimulatorAdmin simulator, String requestId,
            String source, String target) throws InterruptedException, ExecutionException {
        String container = UUID.randomUUID().toString();
        simulator.placeContainer(source, container);
        return producer.send(new ProducerRecord<>(RequestPublisher.TOPIC, PARTITION,
                container.getBytes(StandardCharsets.UTF_8),
                request(requestId, container, source, target).getBytes(StandardCharsets.UTF_8))).get().offset();
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
        return events.get(requestId).stream().map(PublishedEvent::status).toList();
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

    /** Fails as soon as the group's committed offset of the partition is past A, whose outcome is not out yet. */
    private static ThrowingRunnable neverPast(Admin admin, TopicPartition p, long aOffset) {
        return () -> {
            long committed = committed(admin, p);
            assertTrue(committed <= aOffset, () -> "the committed offset of " + p + " is " + committed
                    + ": it passed the request at " + aOffset + ", whose outcome is not published yet");
        };
    }

    private static long endOffset(Admin admin, TopicPartition p) throws Exception {
        return admin.listOffsets(Map.of(p, OffsetSpec.latest())).all().get().get(p).offset();
    }
}
