package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.FAULTY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * RUNNING heartbeats and stall detection through the real broker, the real SOAP client and the simulator over HTTP,
 * with a 1 s heartbeat interval and a 3 s stall timeout (its own profile, so no other flow test sees heartbeats): a
 * migration in transition for 4.5 s is heartbeated and never taken for stalled; a call the simulator holds unanswered
 * with no transition ({@code STALL}) is abandoned, reconciled, cancelled by its packet id and tried again; one held
 * after the container moved ({@code STALL_AFTER_MIGRATE}) ends COMPLETED, reconciled. Each prints what it measured.
 */
@QuarkusTest
@TestProfile(HeartbeatFlowTest.ShortHeartbeats.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class HeartbeatFlowTest extends FlowTestSupport {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(3);

    public static class ShortHeartbeats implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relocator.events.running-interval", INTERVAL.toString(),
                    "relocator.agent.stall-timeout", STALL_TIMEOUT.toString());
        }
    }

    SimulatorAdmin simulator;

    @BeforeEach
    void simulator() {
        simulator = new SimulatorAdmin(port);
    }

    @AfterEach
    void healNodes() {
        for (String node : List.of(FAULTY, "hn-01")) {
            simulator.fault(node, "NONE", 0);
            simulator.latency(node, -1);
        }
    }

    @Test
    void aCallOutLongerThanTheIntervalIsHeartbeatedUntilItEndsAndNotTakenForStalledWhileInTransition() {
        simulator.latency("hn-01", 4_500);
        String container = UUID.randomUUID().toString();
        String requestId = "beat-" + UUID.randomUUID();
        simulator.placeContainer("hn-01", container);
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events");
                RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-01", "hn-02"));
            reader.readUntil(records -> terminalOf(records, requestId) != null, WAIT);

            List<PublishedEvent> history = historyOf(reader.readToEnd(WAIT), requestId);
            PublishedEvent terminal = history.get(history.size() - 1);
            assertEquals("COMPLETED", terminal.status());
            assertEquals(false, terminal.body().path("reconciled").asBoolean(), "its own answer, past the stall timeout");
            List<PublishedEvent> beats = history.stream().filter(e -> "RUNNING".equals(e.status())).toList();
            assertTrue(beats.size() >= 3, "a 4.5 s call heartbeated every second: " + history);
            assertEquals("STARTED", history.get(0).status());
            Instant started = Instant.parse(history.get(0).body().path("occurredAt").asText());
            long previousElapsed = -1;
            int previousN = 0;
            long widestGap = 0;
            Instant previousAt = started;
            for (PublishedEvent beat : beats) {
                JsonNode body = beat.body();
                int n = Integer.parseInt(beat.headers().get("ce_id").substring((requestId + ":RUNNING:1:").length()));
                assertEquals("relocator.migration.running.v1", beat.headers().get("ce_type"));
                assertEquals(body.path("heartbeat").asInt(), n);
                assertTrue(n > previousN && body.path("elapsedMs").asLong() > previousElapsed, history.toString());
                assertTrue(body.path("elapsedMs").asLong() >= n * INTERVAL.toMillis(), body.toString());
                assertEquals(true, body.path("agents").path("source").path("inTransition").asBoolean(), body.toString());
                assertEquals("hn-02", body.path("agents").path("target").path("node").asText());
                Instant at = Instant.parse(body.path("occurredAt").asText());
                widestGap = Math.max(widestGap, Duration.between(previousAt, at).toMillis());
                previousAt = at;
                previousN = n;
                previousElapsed = body.path("elapsedMs").asLong();
            }
            System.out.printf("Heartbeats: %d for a %d ms call; elapsedMs %s; widest spacing %d ms (interval %d)%n",
                    beats.size(), terminal.body().path("durationMs").asLong(),
                    beats.stream().map(b -> b.body().path("elapsedMs").asText()).toList(), widestGap,
                    INTERVAL.toMillis());
            assertTrue(widestGap < 2 * INTERVAL.toMillis(), "no interval skipped: " + widestGap + " ms");

            // none after the end: two more intervals pass with nothing new for the request
            int seen = historyOf(reader.readToEnd(WAIT), requestId).size();
            await().during(INTERVAL.multipliedBy(2).plusMillis(500)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> historyOf(reader.readToEnd(WAIT), requestId).size() == seen);
        }
    }

    @Test
    void aStalledCallIsAbandonedReconciledCancelledByItsPacketIdAndTriedAgain() {
        String container = UUID.randomUUID().toString();
        simulator.placeContainer(FAULTY, container);
        int heldBefore = simulator.stats().path("nodes").path(FAULTY).path("stalled").asInt();
        int cancelledBefore = simulator.stats().path("nodes").path(FAULTY).path("cancelled").asInt();
        simulator.fault(FAULTY, "STALL", 0);
        String requestId = "stall-" + UUID.randomUUID();
        double stallsBefore = stalledTotal();
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events");
                RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, FAULTY, "hn-03"));
            // the first call is held; the next one (after the cancel) is answered
            await().atMost(WAIT).until(() -> simulator.stats().path("nodes").path(FAULTY).path("stalled").asInt()
                    == heldBefore + 1);
            simulator.fault(FAULTY, "NONE", 0);
            reader.readUntil(records -> terminalOf(records, requestId) != null, WAIT);
            List<PublishedEvent> history = historyOf(reader.readToEnd(WAIT), requestId);

            PublishedEvent terminal = history.get(history.size() - 1);
            assertEquals("COMPLETED", terminal.status(), history.toString());
            assertEquals(2, terminal.body().path("attempt").asInt(), "tried again only after the proof and the cancel");
            JsonNode node = simulator.stats().path("nodes").path(FAULTY);
            assertEquals(cancelledBefore + 1, node.path("cancelled").asInt(),
                    "the stalled call was cancelled by its packet id");
            assertEquals(2, simulator.stats().path("containerMigrateCalls").path(container).asInt());
            List<JsonNode> beats = history.stream().filter(e -> "RUNNING".equals(e.status()))
                    .map(PublishedEvent::body).toList();
            assertTrue(beats.size() >= 2, history.toString());
            assertEquals(false, beats.get(0).path("agents").path("source").path("inTransition").asBoolean());
            assertEquals(false, beats.get(0).path("agents").path("target").path("present").asBoolean());
            Instant started = occurredAt(history, "STARTED", 1);
            Instant retried = occurredAt(history, "STARTED", 2);
            Instant ended = Instant.parse(terminal.body().path("occurredAt").asText());
            System.out.printf("Stall (idle on the source): stall timeout %d ms; second attempt %d ms and terminal"
                    + " event %d ms after the first STARTED%n", STALL_TIMEOUT.toMillis(),
                    Duration.between(started, retried).toMillis(), Duration.between(started, ended).toMillis());
            assertTrue(!retried.isBefore(started.plus(STALL_TIMEOUT)), "not abandoned before the stall timeout");
            assertEquals(stallsBefore + 1, stalledTotal(), "counted once at /q/metrics");
        }
    }

    @Test
    void aStalledCallWhoseContainerIsOnTheTargetEndsCompletedReconciledWithoutResending() {
        String container = UUID.randomUUID().toString();
        simulator.placeContainer(FAULTY, container);
        simulator.fault(FAULTY, "STALL_AFTER_MIGRATE", 0);
        String requestId = "arrived-" + UUID.randomUUID();
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events");
                RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, FAULTY, "hn-04"));
            reader.readUntil(records -> terminalOf(records, requestId) != null, WAIT);
            List<PublishedEvent> history = historyOf(reader.readToEnd(WAIT), requestId);

            PublishedEvent terminal = history.get(history.size() - 1);
            assertEquals("COMPLETED", terminal.status(), history.toString());
            assertEquals(true, terminal.body().path("reconciled").asBoolean());
            assertEquals(1, terminal.body().path("attempt").asInt());
            assertEquals(1, simulator.stats().path("containerMigrateCalls").path(container).asInt(), "sent once");
            long detection = terminal.body().path("durationMs").asLong();
            System.out.printf("Stall (on the target): stall timeout %d ms; terminal event %d ms after STARTED%n",
                    STALL_TIMEOUT.toMillis(), detection);
            assertTrue(detection >= STALL_TIMEOUT.toMillis(), detection + " ms");
        }
    }

    /** {@code relocator_migrations_stalled_total} at {@code /q/metrics} now. */
    private double stalledTotal() {
        try {
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("relocator_migrations_stalled_total"))
                    .mapToDouble(MetricsBatch::sampleValue).findFirst()
                    .orElseThrow(() -> new AssertionError("no relocator_migrations_stalled_total at /q/metrics"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Instant occurredAt(List<PublishedEvent> history, String status, int attempt) {
        return history.stream().filter(e -> status.equals(e.status()) && e.body().path("attempt").asInt() == attempt)
                .map(e -> Instant.parse(e.body().path("occurredAt").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + status + " of attempt " + attempt + ": " + history));
    }

    private static PublishedEvent terminalOf(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records,
            String requestId) {
        return historyOf(records, requestId).stream().filter(PublishedEvent::isTerminal).findFirst().orElse(null);
    }

    private static List<PublishedEvent> historyOf(
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records, String requestId) {
        return records.stream().map(PublishedEvent::of).filter(e -> e.requestId().equals(requestId)).toList();
    }
}
