package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.CONTROLLED;
import static io.relocator.worker.testing.SimulatedNodesResource.PER_TARGET_BOUND;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.AdminClient;
import io.relocator.worker.testing.AdminUsersResource;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * The admin API against the real broker and the simulated Agents: who may call what, and that its node controls are
 * applied fleet-wide and held where the bounds are, counted at the Agents. Controls are durable fleet state, so every
 * test puts its nodes ({@link SimulatedNodesResource#CONTROLLED}, used by no other test) back as configured.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = AdminUsersResource.class, restrictToAnnotatedClass = false)
class AdminApiTest extends FlowTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = CONTROLLED.get(0);
    private static final String PAUSED = CONTROLLED.get(1);
    private static final String OPEN = CONTROLLED.get(2);

    private final Map<String, String> containers = new java.util.HashMap<>();
    private AdminClient admin;
    private SimulatorAdmin simulator;

    @BeforeEach
    void clients() {
        admin = AdminClient.as(port, "admin");
        simulator = new SimulatorAdmin(port);
        simulator.reset();
    }

    @AfterEach
    void asConfigured() {
        for (String node : CONTROLLED) {
            admin.delete("/admin/api/nodes/" + node + "/pause");
            admin.delete("/admin/api/nodes/" + node + "/bounds");
        }
        await().atMost(WAIT).until(() -> CONTROLLED.stream().map(admin::node).allMatch(n ->
                !n.path("pausedIn").asBoolean() && !n.path("pausedOut").asBoolean()
                        && !n.path("boundsOverridden").asBoolean()));
    }

    @Test
    void anonymousAndViewerMutationsAreRefusedAndReadsNeedALogin() {
        AdminClient anonymous = AdminClient.anonymous(port);
        AdminClient viewer = AdminClient.as(port, "viewer");
        AdminClient impostor = AdminClient.as(port, "admin", "not-" + UUID.randomUUID());
        String pause = "/admin/api/nodes/" + PAUSED + "/pause";
        String bounds = "/admin/api/nodes/" + PAUSED + "/bounds";
        assertEquals(401, anonymous.post(pause, "").status());
        assertEquals(401, anonymous.put(bounds, "{\"maxIncoming\":1}").status());
        assertEquals(401, anonymous.delete(pause).status());
        assertEquals(401, anonymous.post("/admin/api/migrations/x/cancel", "{}").status());
        assertEquals(401, anonymous.get("/admin/api/nodes").status());
        assertEquals(401, impostor.post(pause, "").status());
        assertEquals(403, viewer.post(pause, "").status());
        assertEquals(403, viewer.put(bounds, "{\"maxIncoming\":1}").status());
        assertEquals(403, viewer.delete(bounds).status());
        assertEquals(403, viewer.post("/admin/api/migrations/x/cancel", "{}").status());
        assertEquals(200, viewer.get("/admin/api/nodes").status());
        assertEquals(200, viewer.get("/admin/api/migrations").status());
        assertEquals(400, admin.post(pause + "?direction=SIDEWAYS", "").status());
        assertEquals(400, admin.put(bounds, "{\"maxIncoming\":0}").status());
        assertEquals(404, admin.post("/admin/api/nodes/nowhere/pause", "").status());
    }

    @Test
    void anAdminsPauseIsVisibleAuditedAndHeldAtTheAgentsUntilResumed() {
        AdminClient.Answer paused = admin.post("/admin/api/nodes/" + PAUSED + "/pause?direction=IN", "");
        assertEquals(202, paused.status(), paused.body());
        await().atMost(WAIT).until(() -> admin.node(PAUSED).path("pausedIn").asBoolean());
        JsonNode node = admin.node(PAUSED);
        assertEquals(List.of(true, false), List.of(node.path("pausedIn").asBoolean(),
                node.path("pausedOut").asBoolean()));
        assertTrue(node.path("drained").asBoolean(), "paused in, nothing running into it");
        JsonNode audit = auditEvent(PAUSED, "PAUSE");
        assertEquals(List.of("admin", "IN"), List.of(audit.path("actor").asText(), audit.path("direction").asText()));

        String run = "pause-" + UUID.randomUUID();
        List<String> held = publish(run + "-held", PAUSED, 4);
        List<String> others = publish(run + "-open", OPEN, 4);
        eventsFor(bootstrap, Set.copyOf(others)).values().forEach(history ->
                assertEquals("COMPLETED", history.get(history.size() - 1).status()));
        // Others ran meanwhile; nothing went into the paused node: counted at its Agent.
        JsonNode atAgent = simulator.stats().path("nodes").path(PAUSED);
        assertEquals(0, atAgent.path("peakIn").asInt(), "migrations into the paused node at its Agent");
        assertTrue(simulator.stats().path("nodes").path(OPEN).path("peakIn").asInt() >= 1, "others ran");
        assertEquals(4, admin.node(PAUSED).path("waiting").asInt());
        List<JsonNode> waiting = StreamSupport.stream(admin.get("/admin/api/migrations").json().path("waiting")
                .spliterator(), false).filter(w -> w.path("targetNode").asText().equals(PAUSED)).toList();
        assertEquals(List.of(1, 2, 3, 4), waiting.stream().map(w -> w.path("position").asInt()).toList());
        assertEquals("WAITING", admin.get("/admin/api/migrations/" + held.get(0)).json().path("state").asText());

        assertEquals(202, admin.delete("/admin/api/nodes/" + PAUSED + "/pause").status());
        eventsFor(bootstrap, Set.copyOf(held)).values().forEach(history ->
                assertEquals("COMPLETED", history.get(history.size() - 1).status()));
        atAgent = simulator.stats().path("nodes").path(PAUSED);
        assertTrue(atAgent.path("peakIn").asInt() >= 1 && atAgent.path("peakIn").asInt() <= PER_TARGET_BOUND,
                "resumed: the held requests ran into it within its bound, " + atAgent);
        Set<String> there = new HashSet<>();
        atAgent.path("containers").forEach(c -> there.add(c.asText()));
        assertTrue(there.containsAll(held.stream().map(containers::get).toList()), "moved to the resumed node");
    }

    @Test
    void aBoundOverrideHoldsAtTheAgentsUntilReset() {
        AdminClient.Answer set = admin.put("/admin/api/nodes/" + OPEN + "/bounds", "{\"maxIncoming\":1}");
        assertEquals(202, set.status(), set.body());
        await().atMost(WAIT).until(() -> admin.node(OPEN).path("maxIncoming").asInt() == 1);
        assertEquals(PER_TARGET_BOUND, admin.node(OPEN).path("configuredMaxIncoming").asInt());
        assertTrue(MetricsBatch.scrape(port).contains("relocator_node_max_incoming{node=\"" + OPEN + "\"} 1.0"));

        List<String> ids = publish("bounds-" + UUID.randomUUID(), OPEN, 4);
        eventsFor(bootstrap, Set.copyOf(ids)).values().forEach(history ->
                assertEquals("COMPLETED", history.get(history.size() - 1).status()));
        assertEquals(1, simulator.stats().path("nodes").path(OPEN).path("peakIn").asInt(),
                "one at a time into the node at its Agent (configured: " + PER_TARGET_BOUND + ")");

        assertEquals(202, admin.delete("/admin/api/nodes/" + OPEN + "/bounds").status());
        await().atMost(WAIT).until(() -> admin.node(OPEN).path("maxIncoming").asInt() == PER_TARGET_BOUND);
    }

    @Test
    void aCancelIsPublishedAsTheContractsCancelRecordKeyedByTheContainer() {
        assertEquals(202, admin.post("/admin/api/nodes/" + PAUSED + "/pause?direction=IN", "").status());
        await().atMost(WAIT).until(() -> admin.node(PAUSED).path("pausedIn").asBoolean());
        String id = publish("cancel-" + UUID.randomUUID(), PAUSED, 1).get(0);
        await().atMost(WAIT).until(() -> admin.get("/admin/api/migrations/" + id).status() == 200);
        String container = admin.get("/admin/api/migrations/" + id).json().path("waiting").path("containerId")
                .asText();

        AdminClient.Answer cancelled = admin.post("/admin/api/migrations/" + id + "/cancel",
                "{\"reason\":\"operator test\"}");
        assertEquals(202, cancelled.status(), cancelled.body());
        String cancelId = cancelled.json().path("id").asText();
        ConsumerRecord<byte[], byte[]> record = find(RequestPublisher.TOPIC, r -> cancelId.equals(
                json(r).path("requestId").asText()));
        JsonNode cancel = json(record);
        assertEquals(container, new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(List.of(id, container, "admin", "operator test"), List.of(cancel.path("cancels").asText(),
                cancel.path("containerId").asText(), cancel.path("requestedBy").asText(),
                cancel.path("reason").asText()));
        assertEquals(id, auditEvent(container, "CANCEL").path("cancels").asText());
        assertEquals(404, admin.post("/admin/api/migrations/nobody-knows/cancel", "{}").status());
    }

    @Test
    void theOpenApiDocumentDescribesTheAdminApi() {
        AdminClient.Answer document = AdminClient.anonymous(port).get("/q/openapi?format=json");
        assertEquals(200, document.status());
        Set<String> paths = new HashSet<>();
        document.json().path("paths").fieldNames().forEachRemaining(paths::add);
        assertTrue(paths.containsAll(Set.of("/admin/api/nodes", "/admin/api/nodes/{node}/pause",
                "/admin/api/nodes/{node}/bounds", "/admin/api/migrations", "/admin/api/migrations/{requestId}",
                "/admin/api/migrations/{requestId}/cancel")), paths.toString());
    }

    private List<String> publish(String run, String target, int count) {
        List<String> ids = new ArrayList<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < count; i++) {
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(SOURCE, container);
                ids.add(run + "-" + i);
                containers.put(ids.get(i), container);
                requests.sendAsync(container, request(ids.get(i), container, SOURCE, target));
            }
            requests.flush();
        }
        return ids;
    }

    /** The audit event of {@code action} on {@code subject} in the events topic. */
    private JsonNode auditEvent(String subject, String action) {
        return json(find("migration-events", r -> "relocator.control.v1".equals(PublishedEvent.headers(r)
                .get("ce_type")) && subject.equals(PublishedEvent.headers(r).get("ce_subject"))
                && action.equals(json(r).path("action").asText())));
    }

    private ConsumerRecord<byte[], byte[]> find(String topic,
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        try (TopicReader reader = new TopicReader(bootstrap, topic)) {
            List<ConsumerRecord<byte[], byte[]>> read = reader.readUntil(records -> records.stream()
                    .anyMatch(wanted), WAIT);
            return read.stream().filter(wanted).reduce((a, b) -> b).orElseThrow();
        }
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }
}
