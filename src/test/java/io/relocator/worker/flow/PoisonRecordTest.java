package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_SOURCE;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_TARGET;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_TARGET_MAX_INCOMING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.AdminClient;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * Records that cannot be written as they are, among valid requests in one partition: a record of about 1 MB that
 * the broker accepts but whose dead-letter copy (the same bytes plus headers) is larger than a producer request may
 * be, and a valid request padded to about 1 MB with a field nobody reads, handed to the fleet's scheduler behind a
 * saturated node's backlog (its inbox record and ledger entry are the validated request, not the record's bytes). Before, the first put the worker's transactions into a loop that never ended: nothing completed, not
 * even the requests before it, and readiness stayed DOWN.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class PoisonRecordTest extends FlowTestSupport {

    /**
     * Fits the broker's default limit on a record batch (1,048,588 bytes with its framing); its dead-letter copy, the
     * same bytes plus the dead-letter headers, is larger than a producer request may be (1,048,576 by default).
     */
    private static final int OVERSIZED = 1_048_450;
    private static final int PADDING = 1_000_000;
    /** A backlog for the saturated node: the padded request waits behind it in the fleet's scheduler. */
    private static final int SATURATING = SLOW_TARGET_MAX_INCOMING + 20;

    @AfterEach
    void heal() {
        new SimulatorAdmin(port).latency(SLOW_SOURCE, -1);
    }

    @Test
    void anOversizedRecordAndAPaddedRequestHoldNothingBack() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency(SLOW_SOURCE, 1_000);
        String run = "poison-" + UUID.randomUUID();
        List<String> valid = new ArrayList<>();
        RecordMetadata oversized;
        String padded = run + "-padded";
        String paddedContainer = UUID.randomUUID().toString();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            List<String> saturating = new ArrayList<>();
            for (int i = 0; i < SATURATING; i++) {
                saturating.add(UUID.randomUUID().toString());
            }
            simulator.placeContainers(SLOW_SOURCE, saturating);
            simulator.placeContainer(SLOW_SOURCE, paddedContainer);
            for (int i = 0; i < SATURATING; i++) {
                valid.add(run + "-slow-" + i);
                requests.sendAsync(0, saturating.get(i), request(valid.get(i), saturating.get(i), SLOW_SOURCE,
                        SLOW_TARGET));
            }
            requests.flush();
            String paddedValue = request(padded, paddedContainer, SLOW_SOURCE, SLOW_TARGET)
                    .replace("}", ",\"padding\":\"" + "p".repeat(PADDING) + "\"}");
            requests.sendAndLocate(0, paddedContainer, paddedValue.getBytes(StandardCharsets.UTF_8));
            valid.add(padded);
            byte[] garbage = new byte[OVERSIZED];
            Arrays.fill(garbage, (byte) 'x');
            oversized = requests.sendAndLocate(0, "poison", garbage);
            for (int i = 0; i < 8; i++) {
                String source = SimulatedNodesResource.NODES.get(i % 4);
                String target = SimulatedNodesResource.NODES.get((i + 1) % 4);
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(source, container);
                String id = run + "-after-" + i;
                valid.add(id);
                requests.sendAsync(0, container, request(id, container, source, target));
            }
            requests.flush();
        }

        Map<String, List<PublishedEvent>> events;
        try {
            events = eventsFor(bootstrap, Set.copyOf(valid), Duration.ofSeconds(120));
        } catch (AssertionError notEnded) {
            throw new AssertionError(notEnded.getMessage() + "; the worker's view: " + workerView(), notEnded);
        }
        for (String id : valid) {
            List<PublishedEvent> history = events.get(id);
            assertEquals(1, history.stream().filter(PublishedEvent::isTerminal).count(), id);
            assertEquals("COMPLETED", history.get(history.size() - 1).status(), id);
        }

        ConsumerRecord<byte[], byte[]> standIn = deadLetterOf(oversized);
        assertTrue(standIn.value() == null, () -> "the stand-in carries no payload, it has " + standIn.value().length);
        assertTrue(PublishedEvent.headers(standIn).get("dead-letter-reason").contains("RecordTooLargeException"),
                PublishedEvent.headers(standIn).get("dead-letter-reason"));

        for (String ledger : List.of("relocator-sched-inbox", "relocator-sched-state")) {
            try (TopicReader reader = new TopicReader(bootstrap, ledger)) {
                List<ConsumerRecord<byte[], byte[]>> copies = reader.readToEnd(WAIT).stream()
                        .filter(r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8)
                                .contains(padded)).toList();
                assertTrue(!copies.isEmpty(), "the padded request went through " + ledger);
                copies.forEach(copy -> assertTrue(copy.value().length < 1024, ledger
                        + " holds the validated request, not the record's bytes: " + copy.value().length));
            }
        }

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
    }

    /** What the worker says of the slow nodes and of itself, for a failure message. */
    private String workerView() {
        try {
            AdminClient viewer = AdminClient.as(port, "viewer");
            return "slow-src " + viewer.get("/admin/api/nodes/" + SLOW_SOURCE).body() + ", slow-dst "
                    + viewer.get("/admin/api/nodes/" + SLOW_TARGET).body() + ", ready "
                    + AdminClient.anonymous(port).get("/q/health/ready").body();
        } catch (RuntimeException unreadable) {
            return "unreadable (" + unreadable + ")";
        }
    }

    /** The dead letter that names the oversized record's partition and offset. */
    private ConsumerRecord<byte[], byte[]> deadLetterOf(RecordMetadata record) {
        String offset = Long.toString(record.offset());
        String partition = Integer.toString(record.partition());
        try (TopicReader deadLetters = new TopicReader(bootstrap, "migration-requests-dlq")) {
            List<ConsumerRecord<byte[], byte[]>> found = deadLetters.readUntil(records -> records.stream()
                    .anyMatch(r -> matches(r, partition, offset)), WAIT);
            return found.stream().filter(r -> matches(r, partition, offset)).findFirst().orElseThrow();
        }
    }

    private static boolean matches(ConsumerRecord<byte[], byte[]> deadLetter, String partition, String offset) {
        Map<String, String> headers = PublishedEvent.headers(deadLetter);
        return RequestPublisher.TOPIC.equals(headers.get("dead-letter-topic"))
                && partition.equals(headers.get("dead-letter-partition"))
                && offset.equals(headers.get("dead-letter-offset"));
    }
}
