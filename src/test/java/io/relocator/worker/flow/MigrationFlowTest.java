package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * The worker end to end: a real Kafka broker (started by {@link KafkaBrokerResource}), the application as packaged
 * for tests, and the simulated Agents over real HTTP. Each test uses its own requestIds, so they share one broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class MigrationFlowTest extends FlowTestSupport {

    static final List<String> NODES = SimulatedNodesResource.NODES;
    /** A containerId that would forge a header if it were copied into one. */
    private static final String GUID_WITH_A_HEADER = "a8a73d01-2969-6b48-9544-5cbf6ea7c554\\r\\nX-Injected: 1";

    @Test
    void aBatchCompletesConcurrentlyWithinThePerTargetBound() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.reset();
        Map<String, String> containerOf = new HashMap<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < 24; i++) {
                String source = NODES.get(i % NODES.size());
                String target = NODES.get((i + 1) % NODES.size());
                String container = UUID.randomUUID().toString();
                String requestId = "batch-" + UUID.randomUUID();
                simulator.placeContainer(source, container);
                containerOf.put(requestId, container);
                requests.send(container, request(requestId, container, source, target));
            }
        }

        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, containerOf.keySet());
        events.forEach((requestId, history) -> {
            assertEquals(List.of("STARTED", "COMPLETED"), history.stream().map(PublishedEvent::status).toList());
            PublishedEvent completed = history.get(1);
            assertEquals(containerOf.get(requestId), completed.key(), "keyed by containerId");
            assertEquals(1, completed.body().path("attempt").asInt());
            assertTrue(completed.body().path("durationMs").asLong() >= 300, "the simulated migration takes 300 ms");
            assertFalse(completed.body().path("reconciled").asBoolean());
            assertCloudEventHeaders(completed, "relocator.migration.completed.v1");
        });

        JsonNode stats = simulator.stats().path("nodes");
        int highestPeak = 0;
        for (String node : NODES) {
            int peak = stats.path(node).path("peakIn").asInt();
            assertTrue(peak <= SimulatedNodesResource.PER_TARGET_BOUND, node + " took " + peak + " at once");
            highestPeak = Math.max(highestPeak, peak);
        }
        assertEquals(SimulatedNodesResource.PER_TARGET_BOUND, highestPeak, "requests ran one at a time");
        containerOf.forEach((requestId, container) -> assertEquals(1,
                simulator.stats().path("containerMigrateCalls").path(container).asInt(),
                "one call per migration"));
    }

    @Test
    void badInputEndsAsTheContractSaysWhileValidRequestsAroundItComplete() {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String run = "mixed-" + UUID.randomUUID();
        String good1 = UUID.randomUUID().toString();
        String good2 = UUID.randomUUID().toString();
        String absent = UUID.randomUUID().toString();
        String onUnknownNode = UUID.randomUUID().toString();
        simulator.placeContainer("hn-01", good1);
        simulator.placeContainer("hn-03", good2);
        byte[] notJson = ("not json at all " + run).getBytes(StandardCharsets.UTF_8);
        byte[] notObject = ("[\"" + run + "\"]").getBytes(StandardCharsets.UTF_8);
        byte[] duplicateId = request(run + "-duplicate-id", good1, "hn-01", "hn-02")
                .replace("}", ",\"requestId\":\"" + run + "-other\"}").getBytes(StandardCharsets.UTF_8);
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(good1, request(run + "-good1", good1, "hn-01", "hn-02"));
            requests.send(absent, request(run + "-agent-error", absent, "hn-02", "hn-03"));
            requests.send("k-unknown", request(run + "-unknown-node", onUnknownNode, "hn-01", "hn-77"));
            requests.send("k-invalid", request(run + "-invalid", "not-a-guid", "hn-01", "hn-02"));
            requests.send("k-no-container", "{\"requestId\":\"" + run + "-no-container\",\"sourceNode\":\"hn-01\","
                    + "\"targetNode\":\"hn-02\"}");
            requests.send("k-not-json", notJson);
            requests.send("k-not-object", notObject);
            requests.send("k-forged", request(run + "-forged", GUID_WITH_A_HEADER, "hn-01", "hn-02"));
            requests.send("k-duplicate", request(run + "-duplicate", good1, "hn-01", "hn-02")
                    .replace("}", ",\"sourceNode\":\"hn-03\"}"));
            requests.send("k-duplicate-id", duplicateId);
            requests.send(good2, request(run + "-good2", good2, "hn-03", "hn-04"));
        }

        Map<String, List<PublishedEvent>> events = eventsFor(bootstrap, Set.of(run + "-good1", run + "-good2",
                run + "-agent-error", run + "-unknown-node", run + "-invalid", run + "-no-container", run + "-forged",
                run + "-duplicate"));
        assertEquals("COMPLETED", last(events, run + "-good1").status());
        assertEquals("COMPLETED", last(events, run + "-good2").status());

        JsonNode agentError = last(events, run + "-agent-error").body();
        assertEquals("FAILED", agentError.path("status").asText());
        assertEquals("AGENT_ERROR", agentError.path("error").path("code").asText());
        assertTrue(agentError.path("error").path("agentCode").isInt(), "the Agent's own code is kept");
        assertEquals("hn-02", agentError.path("error").path("node").asText());
        assertEquals(1, agentError.path("attempt").asInt());

        assertRejected(events.get(run + "-unknown-node"), "UNKNOWN_NODE", onUnknownNode);
        PublishedEvent invalid = assertRejected(events.get(run + "-invalid"), "INVALID_REQUEST", "k-invalid");
        assertTrue(invalid.body().path("error").path("message").asText().contains("containerId"));
        assertEquals("not-a-guid", invalid.body().path("containerId").asText(), "echoed in the value only");
        assertRejected(events.get(run + "-no-container"), "INVALID_REQUEST", "k-no-container");
        PublishedEvent forged = assertRejected(events.get(run + "-forged"), "INVALID_REQUEST", "k-forged");
        assertFalse(forged.headers().containsKey("ce_subject"), "no subject but a GUID");
        assertFalse(forged.headers().containsKey("X-Injected"));
        PublishedEvent duplicate = assertRejected(events.get(run + "-duplicate"), "INVALID_REQUEST", good1);
        assertEquals("duplicate keys (JSON Pointer): /sourceNode",
                duplicate.body().path("error").path("message").asText());
        assertFalse(duplicate.body().has("sourceNode"), "which of the two would it be?");

        try (TopicReader dlq = new TopicReader(bootstrap, "migration-requests-dlq")) {
            List<ConsumerRecord<byte[], byte[]>> dead = dlq.readUntil(
                    all -> ours(all, run).size() == 3, WAIT);
            Map<String, byte[]> sent = Map.of("k-not-json", notJson, "k-not-object", notObject,
                    "k-duplicate-id", duplicateId);
            for (ConsumerRecord<byte[], byte[]> record : ours(dead, run)) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertArrayEquals(sent.get(key), record.value(), "original bytes");
                Map<String, String> headers = PublishedEvent.headers(record);
                assertEquals("migration-requests", headers.get("dead-letter-topic"));
                assertTrue(key.equals("k-duplicate-id")
                        ? headers.get("dead-letter-reason").equals("no usable requestId (given more than once)")
                        : headers.get("dead-letter-reason").startsWith("not"), headers.get("dead-letter-reason"));
                assertTrue(headers.containsKey("dead-letter-partition"));
                assertTrue(headers.containsKey("dead-letter-offset"));
            }
        }
    }

    @Test
    void aRequestKeyedByAnythingButItsContainerIdIsProcessedAndCounted() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String container = UUID.randomUUID().toString();
        String requestId = "mis-keyed-" + UUID.randomUUID();
        simulator.placeContainer("hn-02", container);
        double before = counter("relocator_requests_key_mismatch_total");
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send("not-its-container", request(requestId, container, "hn-02", "hn-03"));
        }

        List<PublishedEvent> history = eventsFor(bootstrap, Set.of(requestId)).get(requestId);
        assertEquals("COMPLETED", history.get(history.size() - 1).status(), "processed all the same");
        assertEquals(container, history.get(history.size() - 1).key(), "its events are keyed by the containerId");
        assertEquals(before + 1, counter("relocator_requests_key_mismatch_total"));
    }

    /** A counter of the process, read from the Prometheus endpoint as a scraper would. */
    private double counter(String name) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), () -> name + " not in /q/metrics");
        return Double.parseDouble(m.group(1));
    }

    /** @param key the containerId when the request gave a GUID, else the record's own key */
    private PublishedEvent assertRejected(List<PublishedEvent> history, String code, String key) {
        assertEquals(1, history.size(), "one FAILED event, no STARTED: the Agent is never called");
        PublishedEvent event = history.get(0);
        assertEquals("FAILED", event.status());
        assertEquals(0, event.body().path("attempt").asInt());
        assertEquals(code, event.body().path("error").path("code").asText());
        assertEquals(key, event.key());
        assertFalse(event.body().has("durationMs"));
        return event;
    }

    private void assertCloudEventHeaders(PublishedEvent event, String type) {
        Map<String, String> h = event.headers();
        assertEquals("1.0", h.get("ce_specversion"));
        assertEquals(event.requestId() + ":" + event.status() + ":" + event.body().path("attempt").asInt(),
                h.get("ce_id"));
        assertEquals("relocator-worker", h.get("ce_source"));
        assertEquals(type, h.get("ce_type"));
        assertEquals(event.body().path("occurredAt").asText(), h.get("ce_time"));
        assertEquals(event.body().path("containerId").asText(), h.get("ce_subject"));
        assertEquals("application/json", h.get("content-type"));
    }

    private static PublishedEvent last(Map<String, List<PublishedEvent>> events, String requestId) {
        List<PublishedEvent> history = events.get(requestId);
        return history.get(history.size() - 1);
    }

    private static List<ConsumerRecord<byte[], byte[]>> ours(List<ConsumerRecord<byte[], byte[]>> records,
            String run) {
        List<ConsumerRecord<byte[], byte[]>> ours = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (new String(r.value(), StandardCharsets.UTF_8).contains(run)) {
                ours.add(r);
            }
        }
        return ours;
    }
}
