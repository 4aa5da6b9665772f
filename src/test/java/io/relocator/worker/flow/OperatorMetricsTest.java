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

import org.awaitility.Awaitility;
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
    private static final Map<String, String> COMPLETED = Map.of("status", "COMPLETED", "code", "none");
    private static final Map<String, String> REFUSED = Map.of("status", "FAILED", "code", "AGENT_ERROR");

    @Test
    void aBatchLeavesEveryDocumentedMetricWithItsTags() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String before = scrape();
        double completedBefore = countOf(before, COMPLETED);
        double refusedBefore = countOf(before, REFUSED);
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

        // counted once each terminal event is committed, which the events' readers may see first
        String metrics = Awaitility.await("relocator_migrations_ended_total counting the batch").atMost(WAIT).until(this::scrape,
                scraped -> countOf(scraped, COMPLETED) >= completedBefore + 3 && countOf(scraped, REFUSED) >= refusedBefore + 1);
        // the Kafka clients the worker builds itself
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
        // migrations by outcome, and how long they took
        assertSample(metrics, "relocator_migrations_ended_total", COMPLETED);
        assertSample(metrics, "relocator_migrations_ended_total", REFUSED);
        assertSample(metrics, "relocator_migrations_duration_seconds_bucket", Map.of("status", "COMPLETED", "le", "+Inf"));
        assertSample(metrics, "relocator_migrations_duration_seconds_count", Map.of("status", "FAILED"));
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** relocator_migrations_ended_total with {@code tags}, 0 before the first. */
    private static double countOf(String metrics, Map<String, String> tags) {
        return metrics.lines().filter(line -> line.startsWith("relocator_migrations_ended_total{") && hasAll(line, tags))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    private static boolean hasAll(String line, Map<String, String> tags) {
        return tags.entrySet().stream().allMatch(tag -> line.contains(tag.getKey() + "=\"" + tag.getValue() + "\""));
    }

    /** Some sample whose name starts with {@code namePrefix} carries every one of {@code tags}. */
    private static void assertSample(String metrics, String namePrefix, Map<String, String> tags) {
        boolean found = metrics.lines().filter(line -> line.startsWith(namePrefix))
                .anyMatch(line -> hasAll(line, tags));
        assertTrue(found, () -> "no " + namePrefix + "* sample with " + tags + " in /q/metrics; its "
                + namePrefix + " lines: " + metrics.lines().filter(line -> line.startsWith(namePrefix)).limit(20).toList());
    }
}
