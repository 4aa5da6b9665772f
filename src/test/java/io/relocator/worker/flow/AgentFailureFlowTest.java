package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.DEAD;
import static io.relocator.worker.testing.SimulatedNodesResource.FAULTY;
import static io.relocator.worker.testing.SimulatedNodesResource.IMPATIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * How each way an Agent call can go wrong ends, through the real SOAP client and the simulator over HTTP: the
 * simulator's fault injection on one node ({@value SimulatedNodesResource#FAULTY}), a node whose Agent cannot be
 * reached, and one whose answers come after the receive timeout.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class AgentFailureFlowTest extends FlowTestSupport {

    SimulatorAdmin simulator;

    @BeforeEach
    void simulator() {
        simulator = new SimulatorAdmin(port);
    }

    @AfterEach
    void healNodes() {
        for (String node : List.of(FAULTY, IMPATIENT)) {
            simulator.fault(node, "NONE", 0);
            simulator.latency(node, -1);
            simulator.acceptToVisible(node, -1);
        }
    }

    @Test
    void anAgentErrorKeepsTheAgentsCodeAndMessage() {
        simulator.fault(FAULTY, "AGENT_ERROR", 417);
        JsonNode error = migrateOnce(FAULTY).path("error");
        assertEquals("AGENT_ERROR", error.path("code").asText());
        assertEquals(417, error.path("agentCode").asInt());
        assertEquals(FAULTY, error.path("node").asText());
        assertEquals(false, error.path("retryable").asBoolean());
    }

    @Test
    void anAnswerLostAfterTheMigrationRanIsReconciledAsCompletedWithoutResending() {
        simulator.fault(FAULTY, "DROP_AFTER_MIGRATE", 0);
        String container = UUID.randomUUID().toString();
        JsonNode event = migrate(FAULTY, "hn-01", container);
        assertEquals("COMPLETED", event.path("status").asText());
        assertEquals(true, event.path("reconciled").asBoolean());
        assertEquals(1, event.path("attempt").asInt());
        assertEquals(1, simulator.stats().path("containerMigrateCalls").path(container).asInt(), "sent once");
    }

    /**
     * The SOAP client's system/cancel against the simulator: each accepted call's answer is lost and the Agent shows
     * nothing of it for a minute, so every attempt is "not migrated" after the grace period and must be cancelled by
     * its packet id before the next one; the last ends FAILED, retryable, with every call cancelled and none completed.
     */
    @Test
    void everyLostCallTheAgentHoldsUnseenIsCancelledByItsPacketIdBeforeTheNextAttempt() {
        simulator.acceptToVisible(FAULTY, 60_000);
        simulator.latency(FAULTY, 60_000);
        simulator.fault(FAULTY, "DROP_AFTER_ACCEPT", 0);
        JsonNode before = simulator.stats().path("nodes").path(FAULTY);
        String container = UUID.randomUUID().toString();

        JsonNode event = migrate(FAULTY, "hn-01", container);

        assertEquals("FAILED", event.path("status").asText());
        assertEquals(SimulatedNodesResource.MAX_ATTEMPTS, event.path("attempt").asInt());
        assertEquals("IN_DOUBT", event.path("error").path("code").asText());
        assertEquals(true, event.path("error").path("retryable").asBoolean(), "proven not migrated");
        assertTrue(event.path("error").path("message").asText().contains("cancelled"), event.toString());
        JsonNode after = simulator.stats().path("nodes").path(FAULTY);
        assertEquals(SimulatedNodesResource.MAX_ATTEMPTS,
                after.path("cancelled").asInt() - before.path("cancelled").asInt(), "each call cancelled");
        assertEquals(before.path("completed").asInt(), after.path("completed").asInt(), "none completed");
        assertTrue(after.path("containers").toString().contains(container), "still on the source");
    }

    @Test
    void anAnswerLaterThanTheReceiveTimeoutIsReconciledOnceTheAgentsKnow() {
        // The simulated migration goes on after the worker gave up on its answer (1 s); the Agents report the
        // container busy until it ends, then on the target. It goes into a node the other tests do not measure.
        simulator.latency(IMPATIENT, 2_500);
        String container = UUID.randomUUID().toString();
        JsonNode event = migrate(IMPATIENT, FAULTY, container);
        assertEquals("COMPLETED", event.path("status").asText());
        assertEquals(true, event.path("reconciled").asBoolean());
        assertEquals(1, simulator.stats().path("containerMigrateCalls").path(container).asInt(), "sent once");
    }

    @Test
    void anAnswerLostThatTheAgentsCannotSettleInTimeEndsInDoubt() {
        simulator.latency(IMPATIENT, 1_000 + SimulatedNodesResource.RECONCILE_DEADLINE.toMillis() + 3_000);
        JsonNode error = migrate(IMPATIENT, FAULTY, UUID.randomUUID().toString()).path("error");
        assertEquals("IN_DOUBT", error.path("code").asText());
        assertEquals(false, error.path("retryable").asBoolean());
        assertEquals(IMPATIENT, error.path("node").asText());
    }

    @Test
    void anAgentThatCannotBeReachedIsTriedAgainThenUnreachableAndRetryable() {
        JsonNode event = migrate(DEAD, "hn-01", UUID.randomUUID().toString());
        assertEquals("FAILED", event.path("status").asText());
        assertEquals(SimulatedNodesResource.MAX_ATTEMPTS, event.path("attempt").asInt());
        JsonNode error = event.path("error");
        assertEquals("UNREACHABLE", error.path("code").asText());
        assertEquals(true, error.path("retryable").asBoolean());
        assertEquals(DEAD, error.path("node").asText());
    }

    @Test
    void anAgentThatTurnsRequestsAwayForAWhileIsTriedAgainUntilItAccepts() {
        simulator.fault(FAULTY, "HTTP_503", 0);
        String container = UUID.randomUUID().toString();
        simulator.placeContainer(FAULTY, container);
        String requestId = "retry-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, FAULTY, "hn-01"));
        }
        try (TopicReader events = new TopicReader(bootstrap, "migration-events")) {
            events.readUntil(records -> records.stream().map(PublishedEvent::of)
                    .anyMatch(e -> e.requestId().equals(requestId) && e.body().path("attempt").asInt() >= 2), WAIT);
        }
        simulator.fault(FAULTY, "NONE", 0);
        List<PublishedEvent> history = eventsFor(bootstrap, Set.of(requestId)).get(requestId);
        JsonNode completed = history.get(history.size() - 1).body();
        assertEquals("COMPLETED", completed.path("status").asText());
        assertTrue(completed.path("attempt").asInt() >= 2);
        assertEquals(1, simulator.stats().path("containerMigrateCalls").path(container).asInt(),
                "the Agent accepted the migration once");
    }

    @Test
    void aRefusedLoginIsAuthFailed() {
        simulator.expireSessions(FAULTY);
        simulator.fault(FAULTY, "REFUSE_LOGIN", 0);
        JsonNode error = migrateOnce(FAULTY).path("error");
        assertEquals("AUTH_FAILED", error.path("code").asText());
        assertEquals(FAULTY, error.path("node").asText());
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallResent() {
        simulator.expireSessions(FAULTY);
        int loginsBefore = simulator.stats().path("nodes").path(FAULTY).path("loginCalls").asInt();
        String container = UUID.randomUUID().toString();
        JsonNode completed = migrate(FAULTY, "hn-01", container);
        assertEquals("COMPLETED", completed.path("status").asText());
        JsonNode stats = simulator.stats();
        assertEquals(loginsBefore + 1, stats.path("nodes").path(FAULTY).path("loginCalls").asInt());
        assertEquals(1, stats.path("containerMigrateCalls").path(container).asInt());
    }

    @Test
    void aSourceRunsItsWholeOutgoingBoundAtOnceThroughItsConnectionPool() {
        simulator.reset();
        simulator.latency(FAULTY, 1_500);
        String run = "pool-" + UUID.randomUUID();
        Set<String> ids = new HashSet<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < 2 * SimulatedNodesResource.FAULTY_MAX_OUTGOING; i++) {
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(FAULTY, container);
                String id = run + "-" + i;
                ids.add(id);
                requests.send(container, request(id, container, FAULTY, SimulatedNodesResource.NODES.get(i % 4)));
            }
        }
        eventsFor(bootstrap, ids).values().forEach(history -> assertEquals("COMPLETED",
                history.get(history.size() - 1).status()));
        assertEquals(SimulatedNodesResource.FAULTY_MAX_OUTGOING,
                simulator.stats().path("nodes").path(FAULTY).path("peakOut").asInt(),
                "calls at the simulator at once: the pool must not cap them below the node's outgoing bound");
    }

    private JsonNode migrateOnce(String source) {
        // a failure that is not retried: exactly one attempt
        JsonNode event = migrate(source, "hn-01", UUID.randomUUID().toString());
        assertEquals("FAILED", event.path("status").asText());
        assertEquals(1, event.path("attempt").asInt());
        assertTrue(event.path("error").path("message").asText().length() > 0);
        return event;
    }

    /** Places the container on {@code source}, asks to move it to {@code target}, returns its terminal event. */
    private JsonNode migrate(String source, String target, String container) {
        simulator.placeContainer(source, container);
        String requestId = "failure-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(requestId, container, source, target));
        }
        List<PublishedEvent> history = eventsFor(bootstrap, Set.of(requestId)).get(requestId);
        return history.get(history.size() - 1).body();
    }
}
