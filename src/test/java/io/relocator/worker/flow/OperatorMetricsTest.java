package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The metrics docs/operations.md lists for an operator, scraped from {@code /q/metrics} as Prometheus would after a
 * small batch (migrations that complete and one the Agent refuses): each is there with the documented tags.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OperatorMetricsTest extends FlowTestSupport {

    /** relocator.instance-id in the test profile. */
    private static final String INSTANCE = "relocator-test";

    @Test
    void aBatchLeavesEveryDocumentedMetricWithItsTags() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        Map<String, String> containerOf = new HashMap<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < 3; i++) {
                String container = UUID.randomUUID().toString();
                String requestId = "metrics-" + UUID.randomUUID();
                simulator.placeContainer("hn-01", container);
                containerOf.put(requestId, container);
                requests.send(container, request(requestId, container, "hn-01", "hn-02"));
            }
            String absent = UUID.randomUUID().toString(); // not placed: the Agent answers with an error
            String refused = "metrics-refused-" + UUID.randomUUID();
            containerOf.put(refused, absent);
            requests.send(absent, request(refused, absent, "hn-02", "hn-03"));
        }
        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, containerOf.keySet());
        assertEquals(containerOf.size(), events.size(), "every request ended");

        String metrics = scrape();
        // the worker's own Kafka clients (the connector's are Quarkus's)
        assertSample(metrics, "kafka_producer_record_send_total", Map.of("client_id", "relocator-transactions-" + INSTANCE));
        assertSample(metrics, "kafka_producer_record_send_total", Map.of("client_id", "relocator-marks-" + INSTANCE));
        assertSample(metrics, "kafka_consumer_", Map.of("client_id", "relocator-outcome-store"));
        assertSample(metrics, "kafka_admin_client_", Map.of("client_id", "relocator-outcome-store-admin"));
        // Agent calls, with a histogram
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-01", "operation", "migrate_v2v", "outcome", "ok"));
        assertSample(metrics, "relocator_agent_calls_seconds_bucket",
                Map.of("node", "hn-01", "operation", "migrate_v2v", "outcome", "ok", "le", "+Inf"));
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-02", "operation", "migrate_v2v", "outcome", "agent_error"));
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-01", "operation", "login", "outcome", "ok"));
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Some sample whose name starts with {@code namePrefix} carries every one of {@code tags}. */
    private static void assertSample(String metrics, String namePrefix, Map<String, String> tags) {
        boolean found = metrics.lines().filter(line -> line.startsWith(namePrefix))
                .anyMatch(line -> tags.entrySet().stream()
                        .allMatch(tag -> line.contains(tag.getKey() + "=\"" + tag.getValue() + "\"")));
        assertTrue(found, () -> "no " + namePrefix + "* sample with " + tags + " in /q/metrics; its "
                + namePrefix + " lines: " + metrics.lines().filter(line -> line.startsWith(namePrefix)).limit(20).toList());
    }
}
