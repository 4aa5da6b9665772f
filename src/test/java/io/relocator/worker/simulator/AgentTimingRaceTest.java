package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
import io.smallrye.mutiny.Uni;

/**
 * The races a real Agent runs, reproduced by the simulator over real HTTP on 127.0.0.1 and settled by the real
 * {@link MigrationRunner}: the answer of an accepted migration is lost (connection dropped, 502, 504) while, for the
 * accept-to-visible window, the container still looks idle on the source (state 6, no transition) and absent from
 * the target. The old reading ("state 6 is not busy: not migrated") sent the migration a second time here. Real
 * time, since the simulator's window and latency are Vert.x timers; the test waits only on the runner's own Uni.
 */
class AgentTimingRaceTest {

    static final Duration WINDOW = Duration.ofMillis(400);
    static final Duration MIGRATION = Duration.ofMillis(1_500);

    private final String container = UUID.randomUUID().toString();
    private final RecordingSink sink = new RecordingSink();
    private final List<MigrationEvent> published = sink.published;
    private SimulatorHarness sim;
    private MigrationRunner runner;

    @BeforeEach
    void start() {
        sim = new SimulatorHarness(MIGRATION);
        sim.agents.setDefaultTiming(new AgentTiming(WINDOW, true));
        sim.agents.placeContainer("hn-01", container);
        sim.agents.node("hn-02");
        // grace (1 s) longer than the window (400 ms); deadline and receive timeout far past the migration
        runner = HttpAgentPort.runnerOver(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @ParameterizedTest
    @EnumSource(value = FaultMode.class, names = { "DROP_AFTER_ACCEPT", "HTTP_502_AFTER_ACCEPT",
            "HTTP_504_AFTER_ACCEPT", "PARTIAL_ANSWER_AFTER_ACCEPT" })
    void anAnswerLostAfterTheAgentAcceptedIsReconciledAsCompletedAndSentOnce(FaultMode fault) {
        sim.agents.injectFault("hn-01", new FaultInjection(fault, 0));

        assertEquals(NextStep.ENDED, attempt(AttemptHistory.NONE));

        MigrationEvent terminal = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, terminal.status(), () -> String.valueOf(terminal.error()));
        assertEquals(Boolean.TRUE, terminal.reconciled());
        assertEquals(1, sim.stats().getJsonObject("containerMigrateCalls").getLong(container), "sent once");
        assertEquals(List.of(container), sim.containersOn("hn-02", sim.login("hn-02"), container));
    }

    @Test
    void aMigrationThatDidNotRunIsSentAgainOnlyAfterTheGracePeriod() {
        sim.agents.injectFault("hn-01", new FaultInjection(FaultMode.DROP_BEFORE_MIGRATE, 0));

        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(AttemptHistory.NONE));
        long getInfoCalls = sim.stats().getJsonObject("nodes").getJsonObject("hn-01").getLong("getInfoCalls");
        assertTrue(getInfoCalls >= 1_000 / 50 / 2, "asked all along the grace period: " + getInfoCalls);

        sim.agents.injectFault("hn-01", FaultInjection.NONE);
        assertEquals(NextStep.ENDED, attempt(retry.history()));
        MigrationEvent terminal = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, terminal.status());
        assertEquals(2, terminal.attempt());
    }

    private NextStep attempt(AttemptHistory history) {
        MigrationRequest request = new MigrationRequest("race-" + container, container, "hn-01", "hn-02", 0,
                MigrationOptions.NONE, null, null, null, Priority.NORMAL, Instant.now(), null);
        return runner.attempt(request, history, sink).await().atMost(Duration.ofSeconds(30));
    }
}
