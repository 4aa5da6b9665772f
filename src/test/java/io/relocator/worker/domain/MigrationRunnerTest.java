package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * Plain unit test of one attempt's decisions (retry, reconcile, fail, expire), with a scripted fake Agent and an
 * event sink that records what would be published.
 */
class MigrationRunnerTest {

    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    final ScriptedAgent agent = new ScriptedAgent();
    final List<MigrationEvent> published = new ArrayList<>();
    final EventSink sink = new EventSink() {
        @Override
        public Uni<Void> started(MigrationEvent started, Instant firstStart) {
            published.add(started);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> ended(MigrationEvent terminal) {
            published.add(terminal);
            return Uni.createFrom().voidItem();
        }
    };
    final MigrationRunner runner = new MigrationRunner(agent, Clock.fixed(T0, ZoneOffset.UTC), new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(30), Set.of(409)),
            new Reconciliation(Duration.ofMillis(1), Duration.ZERO, Set.of(13)), new SplittableRandom(7),
            new CircuitBreakers(2, Duration.ofSeconds(30), Clock.fixed(T0, ZoneOffset.UTC)));

    @Test
    void aCompletedCallEndsTheRequest() {
        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        assertEquals(List.of("STARTED:1", "COMPLETED:1"), statuses());
    }

    @Test
    void aFailureBeforeSendingIsTriedAgainAndCountsItsAttempts() {
        agent.migrations.add(AgentOutcome.failed(new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a")));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertTrue(retry.delay().compareTo(Duration.ofSeconds(1)) <= 0, "full jitter under the first back-off");
        assertEquals(1, retry.history().attempts());

        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), retry.history()));
        assertEquals(List.of("STARTED:1", "STARTED:2", "COMPLETED:2"), statuses());
    }

    @Test
    void aListedAgentCodeIsRetriedAndOtherAgentErrorsAreNot() {
        agent.migrations.add(AgentOutcome.failed(new MigrationError(ErrorCode.AGENT_ERROR, "busy", false, 409, "a")));
        assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        agent.migrations.add(AgentOutcome.failed(new MigrationError(ErrorCode.AGENT_ERROR, "no", false, 131, "a")));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        assertEquals("FAILED:1", statuses().get(statuses().size() - 1));
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        agent.migrations.add(AgentOutcome.failed(new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a")));
        AttemptHistory twoDone = new AttemptHistory(2, T0.minusSeconds(5), null);
        assertEquals(NextStep.ENDED, attempt(request(null), twoDone));
        MigrationEvent failed = published.get(published.size() - 1);
        assertEquals(3, failed.attempt());
        assertEquals(ErrorCode.UNREACHABLE, failed.error().code());
        assertEquals(5000L, failed.durationMs(), "measured from the first attempt");
    }

    @Test
    void aLostAnswerIsSettledByAskingTheAgentsNotByResending() {
        agent.migrations.add(inDoubt());
        agent.presence.add(new ContainerPresence("a", "c", false, null, null));
        agent.presence.add(new ContainerPresence("b", "c", true, 6, null));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationEvent completed = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, completed.status());
        assertEquals(Boolean.TRUE, completed.reconciled());
        assertEquals(1, agent.migrateCalls);
    }

    @Test
    void aLostAnswerOfAMigrationThatDidNotHappenIsTriedAgain() {
        agent.migrations.add(inDoubt());
        agent.presence.add(new ContainerPresence("a", "c", true, 6, null));
        agent.presence.add(new ContainerPresence("b", "c", false, null, null));
        assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
    }

    @Test
    void aRequestFoundInFlightIsReconciledBeforeAnythingIsSent() {
        agent.presence.add(ContainerPresence.absent("a", "c"));
        agent.presence.add(ContainerPresence.present("b", "c", 6));
        AttemptHistory inFlight = new AttemptHistory(2, T0.minusSeconds(30), null);
        assertEquals(NextStep.ENDED, runner.resume(request(null), inFlight, sink).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of("COMPLETED:2"), statuses());
        assertEquals(Boolean.TRUE, published.get(0).reconciled());
        assertEquals(30_000L, published.get(0).durationMs(), "measured from the first attempt of the earlier worker");
        assertEquals(0, agent.migrateCalls);
    }

    @Test
    void aRequestFoundInFlightThatDidNotRunIsAttemptedAgainAfterTheLastAttempt() {
        agent.presence.add(ContainerPresence.present("a", "c", 6));
        agent.presence.add(ContainerPresence.absent("b", "c"));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, runner.resume(request(null),
                new AttemptHistory(1, T0, null), sink).await().atMost(Duration.ofSeconds(5)));
        assertEquals(1, retry.history().attempts());
        assertEquals(0, agent.migrateCalls);
        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), retry.history()));
        assertEquals(List.of("STARTED:2", "COMPLETED:2"), statuses());
    }

    @Test
    void aLostAnswerThatTheAgentsCannotSettleEndsInDoubt() {
        agent.migrations.add(inDoubt());
        agent.presence.add(new ContainerPresence("a", "c", true, 13, null)); // still busy on the source
        agent.presence.add(new ContainerPresence("b", "c", false, null, null));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationError error = published.get(published.size() - 1).error();
        assertEquals(ErrorCode.IN_DOUBT, error.code());
        assertEquals(false, error.retryable());
    }

    @Test
    void noAttemptStartsAfterNotAfterAndTheLastErrorIsKept() {
        MigrationError last = new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a");
        assertEquals(NextStep.ENDED, attempt(request(T0.minusSeconds(1)), new AttemptHistory(1, T0.minusSeconds(9), last)));
        MigrationEvent expired = published.get(0);
        assertEquals(ErrorCode.EXPIRED, expired.error().code());
        assertEquals(1, expired.attempt());
        assertTrue(expired.error().message().contains("refused"));
        assertEquals(0, agent.migrateCalls);
    }

    @Test
    void anOpenCircuitHoldsRequestsBackWithoutCallingTheAgent() {
        MigrationError refused = new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a");
        agent.migrations.add(AgentOutcome.failed(refused));
        agent.migrations.add(AgentOutcome.failed(refused));
        attempt(request(null), AttemptHistory.NONE);
        attempt(request(null), AttemptHistory.NONE);
        var held = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(Duration.ofSeconds(30), held.delay());
        assertEquals(0, held.history().attempts(), "no attempt was made");
        assertEquals(2, agent.migrateCalls);
    }

    private NextStep attempt(MigrationRequest request, AttemptHistory history) {
        return runner.attempt(request, history, sink).await().atMost(Duration.ofSeconds(5));
    }

    private List<String> statuses() {
        return published.stream().map(e -> e.status() + ":" + e.attempt()).toList();
    }

    private static AgentOutcome inDoubt() {
        return AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "answer lost", false, null, "a"));
    }

    private static MigrationRequest request(Instant notAfter) {
        return new MigrationRequest("r-1", "c", "a", "b", 0, MigrationOptions.NONE, notAfter, null, null,
                Priority.NORMAL, T0);
    }

    /** Answers each call with the next scripted outcome; counts migrate calls. */
    static final class ScriptedAgent implements AgentPort {
        final Deque<AgentOutcome> migrations = new ArrayDeque<>();
        final Deque<ContainerPresence> presence = new ArrayDeque<>();
        int migrateCalls;

        @Override
        public Uni<AgentOutcome> migrate(MigrationCall call) {
            migrateCalls++;
            return Uni.createFrom().item(migrations.poll());
        }

        @Override
        public Uni<ContainerPresence> locate(String node, String containerId) {
            return Uni.createFrom().item(presence.poll());
        }
    }
}
