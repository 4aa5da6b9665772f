package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;

/**
 * A requestId published more than once (upstream retried, say) runs its migration once and ends in one terminal
 * event (read_committed), whether the copy arrives while the first is running or after it ended.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class DuplicateRequestTest extends FlowTestSupport {

    @Test
    void theSameRequestPublishedThreeTimesMigratesOnceAndEndsOnce() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String container = UUID.randomUUID().toString();
        String requestId = "dup-" + UUID.randomUUID();
        String sentinel = requestId + "-back";
        simulator.placeContainer("hn-01", container);
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            String twice = request(requestId, container, "hn-01", "hn-02");
            requests.send(container, twice);
            requests.send(container, twice); // while the first is waiting or running
            assertEquals("COMPLETED", last(eventsFor(bootstrap, Set.of(requestId)), requestId).status());

            requests.send(container, twice); // after it ended
            // Same key, so same partition, read after the third copy: once it has ended, the copy was handled.
            requests.send(container, request(sentinel, container, "hn-02", "hn-01"));
        }

        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId, sentinel));
        assertEquals(List.of("STARTED", "COMPLETED"), events.get(requestId).stream().map(PublishedEvent::status)
                .toList(), "one attempt, one terminal event");
        assertEquals(List.of("STARTED", "COMPLETED"), events.get(sentinel).stream().map(PublishedEvent::status)
                .toList());
        assertEquals(2, simulator.stats().path("containerMigrateCalls").path(container).asInt(),
                "the request's one migration, and the sentinel's");
    }

    @Test
    void aRejectedRequestPublishedTwiceFailsOnce() {
        String requestId = "dup-invalid-" + UUID.randomUUID();
        String container = UUID.randomUUID().toString();
        String sentinel = requestId + "-sentinel";
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            String unknownNode = request(requestId, container, "hn-01", "hn-99");
            requests.send(container, unknownNode);
            requests.send(container, unknownNode);
            requests.send(container, request(sentinel, container, "hn-01", "hn-98"));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(requestId, sentinel));
        assertEquals(1, events.get(requestId).size(), "one FAILED event: " + events.get(requestId));
        assertEquals("UNKNOWN_NODE", events.get(requestId).get(0).body().path("error").path("code").asText());
    }

    private static PublishedEvent last(Map<String, List<PublishedEvent>> events, String requestId) {
        List<PublishedEvent> history = events.get(requestId);
        return history.get(history.size() - 1);
    }
}
