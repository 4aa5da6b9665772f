package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.cancel;
import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * Cancels (contract: Cancel) through the real broker and the simulated Agents over HTTP: of a request waiting for its
 * container, of one running (system/cancel, the container stays), of one the Agent finishes anyway (too late), of one
 * already ended, and of one not published yet (it ends CANCELLED on arrival, never called); and a request still
 * running at its completeBy. Each cancel ends in one terminal event of its own, with {@code cancels} set.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class CancelFlowTest extends FlowTestSupport {

    /** Long enough for a cancel to find the migration running. */
    private static final long SLOW_MS = 4_000;

    @AfterEach
    void restoreNodes() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency("hn-01", -1);
        simulator.latency("hn-03", -1);
        simulator.cancelTooLate("hn-03", false);
    }

    @Test
    void aRequestWaitingForItsContainerEndsCancelledWithoutAnAgentCall() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency("hn-01", SLOW_MS);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-01", container);
        String running = "cw-run-" + UUID.randomUUID();
        String waiting = "cw-wait-" + UUID.randomUUID();
        String cancelId = "cw-cancel-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(running, container, "hn-01", "hn-02"));
            requests.send(container, request(waiting, container, "hn-02", "hn-01")); // waits for the container
            awaitStarted(running);
            requests.send(container, cancel(cancelId, waiting, container));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(running, waiting, cancelId));
        JsonNode cancelled = only(events, waiting);
        assertEquals("FAILED", cancelled.path("status").asText());
        assertEquals("CANCELLED", cancelled.path("error").path("code").asText());
        assertEquals(0, cancelled.path("attempt").asInt(), "the Agent was never called for it");
        JsonNode ownEvent = only(events, cancelId);
        assertEquals("COMPLETED", ownEvent.path("status").asText());
        assertEquals(waiting, ownEvent.path("cancels").asText());
        assertEquals("COMPLETED", last(events, running).path("status").asText(), "the other request is untouched");
        assertEquals(1, simulator.stats().path("containerMigrateCalls").path(container).asInt());
    }

    @Test
    void aRunningMigrationIsStoppedBySystemCancelAndTheContainerStays() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency("hn-01", SLOW_MS);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-01", container);
        String requestId = "cr-" + UUID.randomUUID();
        String cancelId = "cr-cancel-" + UUID.randomUUID();
        long cancelledBefore = simulator.stats().path("nodes").path("hn-01").path("cancelled").asLong();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-01", "hn-02"));
            awaitStarted(requestId);
            requests.send(container, cancel(cancelId, requestId, container));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId, cancelId));
        JsonNode end = last(events, requestId);
        assertEquals("FAILED", end.path("status").asText(), end.toString());
        assertEquals("CANCELLED", end.path("error").path("code").asText());
        assertEquals(1, end.path("attempt").asInt());
        assertEquals("COMPLETED", only(events, cancelId).path("status").asText());
        JsonNode hn01 = simulator.stats().path("nodes").path("hn-01");
        assertEquals(cancelledBefore + 1, hn01.path("cancelled").asLong(), "stopped at the Agent by system/cancel");
        assertTrue(contains(hn01.path("containers"), container), "the container stayed on its source");
    }

    @Test
    void aMigrationTheAgentFinishesAnywayEndsCompletedAndItsCancelNotCancelled() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency("hn-03", SLOW_MS);
        simulator.cancelTooLate("hn-03", true);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-03", container);
        String requestId = "cl-" + UUID.randomUUID();
        String cancelId = "cl-cancel-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-03", "hn-04"));
            awaitStarted(requestId);
            requests.send(container, cancel(cancelId, requestId, container));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId, cancelId));
        assertEquals("COMPLETED", last(events, requestId).path("status").asText(), "too late to cancel");
        JsonNode ownEvent = only(events, cancelId);
        assertEquals("FAILED", ownEvent.path("status").asText());
        assertEquals("NOT_CANCELLED", ownEvent.path("error").path("code").asText());
        assertTrue(ownEvent.path("error").path("message").asText().contains("COMPLETED"), ownEvent.toString());
        assertTrue(contains(simulator.stats().path("nodes").path("hn-04").path("containers"), container));
    }

    @Test
    void aCancelOfAnEndedRequestChangesNothingAndSaysSo() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-02", container);
        String requestId = "ce-" + UUID.randomUUID();
        String cancelId = "ce-cancel-" + UUID.randomUUID();
        String sentinel = requestId + "-back";
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-02", "hn-04"));
            assertEquals("COMPLETED", last(eventsFor(bootstrap, Set.of(requestId)), requestId).path("status")
                    .asText());
            requests.send(container, cancel(cancelId, requestId, container));
            requests.send(container, cancel(cancelId, requestId, container)); // a duplicate ends nothing twice
            // same key, read after both copies: once it has ended, both copies were handled
            requests.send(container, request(sentinel, container, "hn-04", "hn-02"));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId, cancelId, sentinel));
        JsonNode ownEvent = only(events, cancelId);
        assertEquals("NOT_CANCELLED", ownEvent.path("error").path("code").asText());
        assertTrue(ownEvent.path("error").path("message").asText().contains("already ended COMPLETED"),
                ownEvent.toString());
        assertEquals(List.of("STARTED", "COMPLETED"), events.get(requestId).stream().map(PublishedEvent::status)
                .toList());
    }

    @Test
    void aCancelPublishedBeforeItsRequestWinsWhenTheRequestArrives() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-02", container);
        String requestId = "cb-" + UUID.randomUUID();
        String cancelId = "cb-cancel-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, cancel(cancelId, requestId, container));
            JsonNode ownEvent = only(eventsFor(bootstrap, Set.of(cancelId)), cancelId);
            assertEquals("NOT_CANCELLED", ownEvent.path("error").path("code").asText());
            assertTrue(ownEvent.path("error").path("message").asText().contains("not known yet; remembered until"),
                    ownEvent.toString());
            requests.send(container, request(requestId, container, "hn-02", "hn-04"));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId));
        JsonNode end = only(events, requestId);
        assertEquals("FAILED", end.path("status").asText());
        assertEquals("CANCELLED", end.path("error").path("code").asText());
        assertEquals(0, end.path("attempt").asInt());
        assertEquals(0, simulator.stats().path("containerMigrateCalls").path(container).asInt(),
                "its Agent was never called");
    }

    @Test
    void aMigrationStillRunningAtItsCompleteByIsCancelled() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency("hn-01", SLOW_MS);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer("hn-01", container);
        String requestId = "cc-" + UUID.randomUUID();
        String completeBy = Instant.now().plusMillis(1_500).toString();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, "hn-01", "hn-02")
                    .replace("}", ",\"completeBy\":\"" + completeBy + "\"}"));
        }
        JsonNode end = last(eventsFor(bootstrap, Set.of(requestId)), requestId);
        assertEquals("CANCELLED", end.path("error").path("code").asText(), end.toString());
        assertTrue(end.path("error").path("message").asText().contains("completeBy"), end.toString());
        assertEquals(1, end.path("attempt").asInt(), "it was running");
        assertTrue(contains(simulator.stats().path("nodes").path("hn-01").path("containers"), container));
    }

    /** Reads the events topic until {@code requestId} has a STARTED event: its call is out. */
    private void awaitStarted(String requestId) {
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
            reader.readUntil(records -> records.stream().map(PublishedEvent::of)
                    .anyMatch(e -> e.requestId().equals(requestId) && e.status().equals("STARTED")), WAIT);
        }
    }

    private static JsonNode only(Map<String, List<PublishedEvent>> events, String requestId) {
        List<PublishedEvent> history = events.get(requestId);
        assertEquals(1, history.size(), "one event: " + history);
        return history.get(0).body();
    }

    private static JsonNode last(Map<String, List<PublishedEvent>> events, String requestId) {
        List<PublishedEvent> history = events.get(requestId);
        return history.get(history.size() - 1).body();
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
