package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.EVACUATED;
import static io.relocator.worker.testing.SimulatedNodesResource.NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;

/**
 * An evacuation: twenty nodes saturated at once, each with a backlog of 110, all ahead of requests for four free nodes
 * in the same partition. Once, a full local queue made the consumer wait for room, so the free nodes' requests behind
 * the backlogs were not even read until the slow migrations ended; now every request is handed to the fleet's
 * scheduler when read, and the free nodes' requests are granted while the backlogs wait.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class EvacuationBacklogTest extends FlowTestSupport {

    /** Per saturated target: a backlog far beyond its bound (2). */
    static final int PER_NODE = 110;
    static final int FREE = 24;
    static final Duration SLOW = Duration.ofSeconds(45);

    @AfterEach
    void heal() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        EVACUATED.forEach(node -> simulator.latency(node, -1));
    }

    @Test
    void requestsForFreeNodesStartWhileTwentyNodesAreSaturated() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        EVACUATED.forEach(node -> simulator.latency(node, SLOW.toMillis()));
        String run = "evacuation-" + UUID.randomUUID();
        List<String> saturating = new ArrayList<>();
        List<String> free = new ArrayList<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int n = 0; n < EVACUATED.size(); n++) {
                String source = EVACUATED.get(n);
                String target = EVACUATED.get((n + 1) % EVACUATED.size());
                List<String> containers = new ArrayList<>();
                for (int i = 0; i < PER_NODE; i++) {
                    containers.add(UUID.randomUUID().toString());
                }
                simulator.placeContainers(source, containers);
                for (int i = 0; i < PER_NODE; i++) {
                    String id = run + "-" + source + "-" + i;
                    saturating.add(id);
                    requests.sendAsync(0, containers.get(i), request(id, containers.get(i), source, target));
                }
            }
            for (int i = 0; i < FREE; i++) {
                String source = NODES.get(i % NODES.size());
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(source, container);
                String id = run + "-free-" + i;
                free.add(id);
                requests.sendAsync(0, container, request(id, container, source, NODES.get((i + 1) % NODES.size())));
            }
            requests.flush();
        }

        // The saturated nodes' migrations take 45 s each; the free ones complete long before the first ends.
        Map<String, List<PublishedEvent>> freeEvents = eventsFor(bootstrap, Set.copyOf(free), SLOW);
        for (String id : free) {
            List<PublishedEvent> history = freeEvents.get(id);
            assertEquals("COMPLETED", history.get(history.size() - 1).status(), id);
        }
        int completedSaturated = EVACUATED.stream()
                .mapToInt(node -> simulator.stats().path("nodes").path(node).path("completed").asInt()).sum();
        assertEquals(0, completedSaturated, "no saturated node's migration had ended when the free ones completed");

        EVACUATED.forEach(node -> simulator.latency(node, 0));
        Map<String, List<PublishedEvent>> backlog = eventsFor(bootstrap, Set.copyOf(saturating),
                Duration.ofSeconds(300));
        for (String id : saturating) {
            List<PublishedEvent> history = backlog.get(id);
            assertEquals(1, history.stream().filter(PublishedEvent::isTerminal).count(), id);
            assertEquals("COMPLETED", history.get(history.size() - 1).status(), id);
        }
    }
}
