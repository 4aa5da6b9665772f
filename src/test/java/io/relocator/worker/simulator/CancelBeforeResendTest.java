package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.relocator.worker.domain.AttemptHistory;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationOptions;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.MigrationStatus;
import io.relocator.worker.domain.NextStep;
import io.relocator.worker.domain.Priority;
import io.relocator.worker.domain.RecordingSink;
import io.vertx.core.json.JsonObject;
import io.smallrye.mutiny.Uni;

/**
 * {@code system/cancel} before a resend, over real HTTP on 127.0.0.1 with the real {@link MigrationRunner}: an Agent
 * that accepted a migration but shows nothing of it for longer than the grace period (so "idle on the source, absent
 * from the target" holds all along and proves nothing) has it cancelled by its packet id before the migration is
 * sent again, and the container is migrated exactly once. Without the cancel, the resend finds the first call still
 * holding the container (132) and the request fails while the first migration goes on. Also: a migration that never
 * started (the Agent answers "unknown message") and an Agent without system/cancel (121) are sent again on the
 * grace period's proof. The test waits only on the runner's own Uni.
 */
class CancelBeforeResendTest {

    /** Longer than the reconciliation below (grace 1 s): the Agent still holds the first call when it is cancelled. */
    static final Duration UNSEEN = Duration.ofSeconds(30);

    private final String container = UUID.randomUUID().toString();
    private final RecordingSink sink = new RecordingSink();
    private final List<MigrationEvent> published = sink.published;
    private final List<String> markedPackets = sink.markedPackets;
    private SimulatorHarness sim;
    private MigrationRunner runner;

    @BeforeEach
    void start() {
        sim = new SimulatorHarness(Duration.ofMillis(100));
        sim.agents.placeContainer("hn-01", container);
        sim.agents.node("hn-02");
        runner = HttpAgentPort.runnerOver(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aLostCallTheAgentHoldsUnseenIsCancelledByItsPacketIdBeforeTheResendAndTheContainerMovesOnce() {
        // accepted, answer lost at once; no transition and not on the target for 30 s; it would take 30 s
        sim.agents.setTiming("hn-01", Optional.of(new AgentTiming(UNSEEN, true)));
        sim.agents.setLatency("hn-01", Optional.of(UNSEEN));
        sim.agents.injectFault("hn-01", new FaultInjection(FaultMode.DROP_AFTER_ACCEPT, 0));

        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(AttemptHistory.NONE));

        JsonObject source = hn01();
        assertEquals(1, source.getLong("cancelled"), "the held call was cancelled, by the packet id it was sent with");
        assertEquals(markedPackets.get(0), retry.history().packetId());
        assertFalse(sim.agents.isMigrating(container), "the Agent no longer holds it");
        assertEquals(List.of(container), source.getJsonArray("containers").getList(), "still on the source");

        sim.agents.injectFault("hn-01", FaultInjection.NONE);
        sim.agents.setTiming("hn-01", Optional.empty());
        sim.agents.setLatency("hn-01", Optional.empty());
        assertEquals(NextStep.ENDED, attempt(retry.history()));

        MigrationEvent terminal = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, terminal.status(), () -> String.valueOf(terminal.error()));
        assertEquals(2, terminal.attempt());
        assertEquals(1, hn01().getLong("completed"), "migrated exactly once");
        assertEquals(List.of(container), sim.containersOn("hn-02", sim.login("hn-02"), container));
    }

    @Test
    void aMigrationThatNeverStartedIsAnUnknownMessageToTheAgentAndIsSentAgain() {
        sim.agents.injectFault("hn-01", new FaultInjection(FaultMode.DROP_BEFORE_MIGRATE, 0));

        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(AttemptHistory.NONE));
        assertEquals(1, hn01().getLong("cancelCalls"));
        assertEquals(0, hn01().getLong("cancelled"));

        sim.agents.injectFault("hn-01", FaultInjection.NONE);
        assertEquals(NextStep.ENDED, attempt(retry.history()));
        assertEquals(MigrationStatus.COMPLETED, published.get(published.size() - 1).status());
        assertEquals(1, hn01().getLong("completed"));
    }

    @Test
    void anAgentWithoutSystemCancelIsSentTheMigrationAgainOnTheGracePeriodsProof() {
        sim.agents.setOffersCancel(false);
        sim.agents.injectFault("hn-01", new FaultInjection(FaultMode.DROP_BEFORE_MIGRATE, 0));

        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(AttemptHistory.NONE));
        assertEquals(0, hn01().getLong("cancelCalls"), "answered as an unknown operation");

        sim.agents.injectFault("hn-01", FaultInjection.NONE);
        assertEquals(NextStep.ENDED, attempt(retry.history()));
        assertEquals(MigrationStatus.COMPLETED, published.get(published.size() - 1).status());
    }

    private JsonObject hn01() {
        return sim.stats().getJsonObject("nodes").getJsonObject("hn-01");
    }

    private NextStep attempt(AttemptHistory history) {
        MigrationRequest request = new MigrationRequest("cancel-" + container, container, "hn-01", "hn-02", 0,
                MigrationOptions.NONE, null, null, null, Priority.NORMAL, Instant.now(), null);
        return runner.attempt(request, history, sink).await().atMost(Duration.ofSeconds(30));
    }
}
