package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;

import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatorAdmin;

/**
 * The small batch the metrics tests scrape {@code /q/metrics} after, as Prometheus would: three migrations that
 * complete (hn-01 to hn-02) and one the Agent refuses (its container is not on hn-02), so that every outcome kind an
 * operator looks at has a sample.
 */
final class MetricsBatch {

    static final Map<String, String> COMPLETED = Map.of("status", "COMPLETED", "code", "none");
    static final Map<String, String> REFUSED = Map.of("status", "FAILED", "code", "AGENT_ERROR");

    private MetricsBatch() {
    }

    /** Runs the batch against the application on {@code port} and returns the first scrape that counts all its ends. */
    static String runAndScrape(String bootstrap, int port) {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String before = scrape(port);
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
        Map<String, List<PublishedEvent>> events = FlowTestSupport.eventsFor(bootstrap, containerOf.keySet());
        assertEquals(containerOf.size(), events.size(), "every request ended");

        // counted once each terminal event is committed, which the events' readers may see first
        return Awaitility.await("relocator_migrations_ended_total counting the batch").atMost(FlowTestSupport.WAIT)
                .until(() -> scrape(port), scraped -> countOf(scraped, COMPLETED) >= completedBefore + 3
                        && countOf(scraped, REFUSED) >= refusedBefore + 1);
    }

    /** {@code /q/metrics} of the application on {@code port}, in Prometheus' text format. */
    static String scrape(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample {@code line} carries every one of {@code tags}. */
    static boolean hasAll(String line, Map<String, String> tags) {
        return tags.entrySet().stream().allMatch(tag -> line.contains(tag.getKey() + "=\"" + tag.getValue() + "\""));
    }

    /** relocator_migrations_ended_total with {@code tags}, 0 before the first. */
    private static double countOf(String metrics, Map<String, String> tags) {
        return metrics.lines().filter(line -> line.startsWith("relocator_migrations_ended_total{") && hasAll(line, tags))
                .mapToDouble(MetricsBatch::sampleValue).findFirst().orElse(0);
    }

    /**
     * The value of one sample line of the OpenMetrics text {@code /q/metrics} serves: the first token after the name
     * and labels, before any exemplar ({@code # {span_id=...} 1.0 <timestamp>}, present once tracing has seen a span).
     */
    static double sampleValue(String line) {
        int labelsEnd = line.lastIndexOf('}', line.contains(" # {") ? line.indexOf(" # {") : line.length());
        String rest = labelsEnd >= 0 ? line.substring(labelsEnd + 1) : line.substring(line.indexOf(' '));
        return Double.parseDouble(rest.strip().split("\\s+")[0]);
    }
}
