package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.FAST_TARGETS;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_SOURCE;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_TARGET;
import static io.relocator.worker.testing.SimulatedNodesResource.SLOW_TARGET_MAX_INCOMING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The backlog case: 10,000 requests for one slow node, ahead of 100 for three fast nodes in the same
 * partition. Each is handed to the fleet's scheduler as soon as it is read (its offset committed then), so the slow
 * node's backlog waits in the scheduler's ledger, never in front of the fast nodes' requests.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class SlowNodeBacklogTest extends FlowTestSupport {

    static final int SLOW = 10_000;
    static final int FAST = 100;

    @AfterEach
    void heal() {
        new SimulatorAdmin(port).latency(SLOW_SOURCE, -1);
    }

    @Test
    void theFastNodesAreUnaffectedAndNothingOfTheBacklogIsLost() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.latency(SLOW_SOURCE, 20_000);
        String run = "backlog-" + UUID.randomUUID();
        List<String> slowIds = new ArrayList<>();
        List<String> fastIds = new ArrayList<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            List<String> slowContainers = new ArrayList<>();
            for (int i = 0; i < SLOW; i++) {
                slowContainers.add(UUID.randomUUID().toString());
            }
            simulator.placeContainers(SLOW_SOURCE, slowContainers);
            for (int i = 0; i < SLOW; i++) {
                slowIds.add(run + "-slow-" + i);
                requests.sendAsync(0, slowContainers.get(i),
                        request(slowIds.get(i), slowContainers.get(i), SLOW_SOURCE, SLOW_TARGET));
            }
            for (int i = 0; i < FAST; i++) {
                String source = List.of("hn-02", "hn-03", "hn-04").get(i % 3);
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(source, container);
                fastIds.add(run + "-fast-" + i);
                requests.sendAsync(0, container, request(fastIds.get(i), container, source, FAST_TARGETS.get(i % 3)));
            }
            requests.flush();
        }

        Map<String, List<PublishedEvent>> fast = eventsFor(bootstrap, Set.copyOf(fastIds), Duration.ofSeconds(120));
        fast.values().forEach(history -> assertEquals("COMPLETED", history.get(history.size() - 1).status()));
        Instant fastDone = Instant.now();

        // The backlog was really there, waiting in the fleet's scheduler, its slots full.
        assertTrue(simulator.stats().path("nodes").path(SLOW_SOURCE).path("completed").asInt() < SLOW / 10,
                "the slow node's backlog had mostly not run yet");
        assertTrue(gauge("relocator_node_waiting", SLOW_TARGET) >= SLOW - SLOW / 10 - SLOW_TARGET_MAX_INCOMING,
                "the slow node's backlog waits in the fleet's scheduler");
        assertTrue(gauge("relocator_node_incoming", SLOW_TARGET) <= SLOW_TARGET_MAX_INCOMING);

        simulator.latency(SLOW_SOURCE, 0);
        Map<String, List<PublishedEvent>> slow = eventsFor(bootstrap, Set.copyOf(slowIds), Duration.ofSeconds(300));
        for (String id : slowIds) {
            List<PublishedEvent> history = slow.get(id);
            assertEquals(1, history.stream().filter(PublishedEvent::isTerminal).count(), id);
            assertEquals("COMPLETED", history.get(history.size() - 1).status(), id);
            Instant receivedAt = Instant.parse(history.get(0).body().path("receivedAt").asText());
            assertTrue(receivedAt.isBefore(fastDone), "receivedAt is kept across the hand-off: " + id);
        }
    }

    /** One gauge of one node, read from the Prometheus endpoint as a scraper would. */
    private double gauge(String name, String node) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{node=\"" + node + "\"\\} (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " for " + node + " not in /q/metrics");
        return Double.parseDouble(m.group(1));
    }
}
