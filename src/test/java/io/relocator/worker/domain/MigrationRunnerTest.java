package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.smallrye.mutiny.Uni;

/**
 * Plain unit test of one attempt's decisions (retry, reconcile, fail, expire), with a scripted fake Agent, a clock the
 * fake Agent moves by one {@link #ROUND} per reconciliation round (so the first round's answers are read 10 s after
 * reconciliation began), and an event sink that records what would be
 * published. Reconciliation here: deadline 15 min, grace 30 s, receive timeout (the migration's own limit) 12 h.
 */
class MigrationRunnerTest {

    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration ROUND = Duration.ofSeconds(10);
    static final Duration DEADLINE = Duration.ofMinutes(15);
    static final Duration GRACE = Duration.ofSeconds(30);
    static final Duration RECEIVE_TIMEOUT = Duration.ofHours(12);

    final MutableClock clock = new MutableClock(T0);
    final ScriptedAgent agent = new ScriptedAgent();
    final RecordingSink sink = new RecordingSink();
    final List<MigrationEvent> published = sink.published;
    /** The packet id each STARTED event's in-flight mark was given. */
    final List<String> markedPackets = sink.markedPackets;
    final MigrationRunner runner = new MigrationRunner(agent, clock, new RetryPolicy(3, Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(30), Set.of(409)),
            new Reconciliation(Duration.ofMillis(1), DEADLINE, GRACE, RECEIVE_TIMEOUT), new SplittableRandom(7),
            new CircuitBreakers(2, Duration.ofSeconds(30), Duration.ofMinutes(30), clock));

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
        assertEquals(0, agent.rounds, "a failure before sending is not reconciled");
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
        AttemptHistory twoDone = new AttemptHistory(2, T0.minusSeconds(5), null, null);
        assertEquals(NextStep.ENDED, attempt(request(null), twoDone));
        MigrationEvent failed = published.get(published.size() - 1);
        assertEquals(3, failed.attempt());
        assertEquals(ErrorCode.UNREACHABLE, failed.error().code());
        assertEquals(5000L, failed.durationMs(), "measured from the first attempt");
    }

    @Test
    void aLostAnswerIsSettledByAskingTheAgentsNotByResending() {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.absent("a", "c"), ContainerPresence.present("b", "c", 6, null));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationEvent completed = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, completed.status());
        assertEquals(Boolean.TRUE, completed.reconciled());
        assertEquals(1, agent.migrateCalls);
    }

    /**
     * The race a real Agent runs: it accepted the call, the answer was lost (502 or a dropped connection after the
     * request was written), and for a few seconds the container still looks idle on the source (state 6, no
     * transition) and absent from the target. One such snapshot once counted as "did not run" and the migration was
     * sent again while the first one ran.
     */
    @Test
    void anAnswerLostInTheAcceptToVisibleWindowIsNotSentAgain() {
        agent.migrations.add(inDoubt());
        RealAgentTiming migration = new RealAgentTiming(T0, Duration.ofSeconds(5), Duration.ofMinutes(2));
        agent.timing = migration;
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationEvent completed = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, completed.status());
        assertEquals(Boolean.TRUE, completed.reconciled());
        assertEquals(1, agent.migrateCalls, "sent once");
        assertEquals(List.of("STARTED:1", "COMPLETED:1"), statuses());
    }

    @Test
    void aLostAnswerOfAMigrationThatDidNotRunIsTriedAgainOnlyAfterTheSameIdleAnswerForTheGracePeriod() {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(4, agent.rounds, "idle at 0 s, 10 s, 20 s and 30 s: the grace period is over at the fourth");
        assertEquals(ErrorCode.IN_DOUBT, retry.history().lastError().code());
        assertEquals(1, agent.migrateCalls);
    }

    @Test
    void noStateCodeMeansBusyOrIdleOnlyATransitionDoes() {
        agent.migrations.add(inDoubt());
        // 13 was the simulator's "busy" state: idle it is, when the Agent shows no transition
        agent.script(ContainerPresence.present("a", "c", 13, null), ContainerPresence.absent("b", "c"));
        assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(4, agent.rounds);

        agent.migrations.add(inDoubt());
        agent.rounds = 0;
        // state 6 ("running") with a transition is a migration in progress: never "not migrated"
        agent.script(ContainerPresence.present("a", "c", 6, 3), ContainerPresence.absent("b", "c"));
        agent.step = Duration.ofMinutes(10);
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationEvent failed = published.get(published.size() - 1);
        assertEquals(ErrorCode.IN_DOUBT, failed.error().code());
        assertEquals(RECEIVE_TIMEOUT.dividedBy(agent.step), agent.rounds, "waited the migration's own limit");
        assertEquals(2, agent.migrateCalls, "the second request's one call; nothing sent again");
    }

    @Test
    void aChangedOrUnknownAnswerStartsTheGracePeriodOver() {
        agent.migrations.add(inDoubt());
        MigrationError down = MigrationError.of(ErrorCode.UNREACHABLE, "refused", true);
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        agent.script(ContainerPresence.present("a", "c", 5, null), ContainerPresence.absent("b", "c")); // changed
        agent.script(ContainerPresence.present("a", "c", 5, null), ContainerPresence.absent("b", "c"));
        agent.script(ContainerPresence.present("a", "c", 5, null), ContainerPresence.unknown("b", "c", down));
        agent.script(ContainerPresence.present("a", "c", 5, null), ContainerPresence.absent("b", "c"));
        assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(9, agent.rounds, "the last answer repeated at 60, 70, 80 s: 30 s after the unknown one");
    }

    @Test
    void aLongMigrationInTransitionIsWaitedForPastTheReconcileDeadline() {
        agent.migrations.add(inDoubt());
        agent.timing = new RealAgentTiming(T0, Duration.ofSeconds(5), Duration.ofHours(3));
        agent.step = Duration.ofMinutes(10);
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationEvent completed = published.get(published.size() - 1);
        assertEquals(MigrationStatus.COMPLETED, completed.status(), "3 h in transition, deadline 15 min");
        assertEquals(Boolean.TRUE, completed.reconciled());
        assertEquals(1, agent.migrateCalls);
    }

    @Test
    void aRequestFoundInFlightIsReconciledBeforeAnythingIsSent() {
        agent.script(ContainerPresence.absent("a", "c"), ContainerPresence.present("b", "c", 6, null));
        AttemptHistory inFlight = new AttemptHistory(2, T0.minusSeconds(30), null, null);
        assertEquals(NextStep.ENDED, runner.resume(request(null), inFlight, sink).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of("COMPLETED:2"), statuses());
        assertEquals(Boolean.TRUE, published.get(0).reconciled());
        assertEquals(40_000L, published.get(0).durationMs(),
                "from the first attempt of the earlier worker (30 s before) to the end of one round (10 s)");
        assertEquals(0, agent.migrateCalls);
    }

    @Test
    void aRequestFoundInFlightThatDidNotRunIsCancelledByItsMarksPacketIdThenAttemptedAgainAfterTheGracePeriod() {
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, runner.resume(request(null),
                new AttemptHistory(1, T0, null, "packet-of-the-lost-call"), sink).await().atMost(Duration.ofSeconds(5)));
        assertEquals(1, retry.history().attempts());
        assertEquals(0, agent.migrateCalls);
        assertEquals(4, agent.rounds);
        assertEquals(List.of("cancel:a:packet-of-the-lost-call"), agent.calls, "cancelled on the source, by the mark's id");
        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), retry.history()));
        assertEquals(List.of("STARTED:2", "COMPLETED:2"), statuses());
    }

    @Test
    void aMarkWrittenBeforePacketIdsWereKeptIsAttemptedAgainOnTheGracePeriodsProofAlone() {
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        assertInstanceOf(NextStep.RetryAfter.class, runner.resume(request(null),
                new AttemptHistory(1, T0, null, null), sink).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of(), agent.calls, "no packet id to cancel, nothing sent");
        assertEquals(4, agent.rounds);
    }

    @Test
    void aLostCallProvenNotToHaveRunIsCancelledByItsPacketIdBeforeItIsSentAgain() {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        String first = markedPackets.get(0);
        assertEquals(List.of("migrate:" + first, "cancel:a:" + first), agent.calls,
                "the packet id of the in-flight mark is the one sent, and the one cancelled on the source");
        assertTrue(retry.history().lastError().retryable());
        assertTrue(retry.history().lastError().message().contains("cancelled"), retry.history().lastError().message());

        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), retry.history()));
        String second = markedPackets.get(1);
        assertNotEquals(first, second, "a new packet id per attempt");
        assertEquals(List.of("migrate:" + first, "cancel:a:" + first, "migrate:" + second), agent.calls);
    }

    /** 140: the Agent does not know the packet (never received, or ended); 121: it does not offer system/cancel. */
    @ParameterizedTest
    @ValueSource(ints = { 140, 121 })
    void anAgentErrorToTheCancelLetsTheRetryGoOnTheGracePeriodsProof(int agentCode) {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        agent.cancels.add(CancelOutcome.refused(new MigrationError(ErrorCode.AGENT_ERROR, "no", false, agentCode, "a")));
        var retry = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(2, agent.calls.size(), "migrate, cancel: " + agent.calls);
        assertEquals(4, agent.rounds, "no further round");
        assertTrue(retry.history().lastError().retryable());
        assertFalse(retry.history().lastError().message().contains("cancelled"));
    }

    @Test
    void anUnansweredCancelSendsNothingAndReconcilesAgainUntilOneIsAnswered() {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        MigrationError lost = MigrationError.of(ErrorCode.IN_DOUBT, "answer lost", false);
        agent.cancels.add(CancelOutcome.unanswered(lost));
        agent.cancels.add(CancelOutcome.unanswered(lost));
        assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        String first = markedPackets.get(0);
        assertEquals(List.of("migrate:" + first, "cancel:a:" + first, "cancel:a:" + first, "cancel:a:" + first),
                agent.calls);
        assertEquals(6, agent.rounds, "asked the Agents again before each new cancel");
    }

    @Test
    void aCancelThatIsNeverAnsweredEndsInDoubtAtTheDeadlineWithNothingSentAgain() {
        agent.migrations.add(inDoubt());
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        agent.cancelOtherwise = CancelOutcome.unanswered(MigrationError.of(ErrorCode.UNREACHABLE, "refused", true));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationError error = published.get(published.size() - 1).error();
        assertEquals(ErrorCode.IN_DOUBT, error.code());
        assertFalse(error.retryable());
        assertTrue(error.message().contains("system/cancel of packet " + markedPackets.get(0)), error.message());
        assertEquals(DEADLINE.dividedBy(ROUND), agent.rounds, "the 15 min deadline");
        assertEquals(1, agent.migrateCalls);
    }

    @Test
    void aLostAnswerThatTheAgentsCannotSettleEndsInDoubtAtTheDeadline() {
        agent.migrations.add(inDoubt());
        MigrationError down = MigrationError.of(ErrorCode.UNREACHABLE, "refused", true);
        agent.script(ContainerPresence.unknown("a", "c", down), ContainerPresence.absent("b", "c"));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationError error = published.get(published.size() - 1).error();
        assertEquals(ErrorCode.IN_DOUBT, error.code());
        assertEquals(false, error.retryable());
        assertEquals(DEADLINE.dividedBy(ROUND), agent.rounds, "never seen in transition: the 15 min deadline");
        assertEquals(1, agent.migrateCalls);
    }

    @Test
    void noAttemptStartsAfterNotAfterAndTheLastErrorIsKept() {
        MigrationError last = new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a");
        assertEquals(NextStep.ENDED, attempt(request(T0.minusSeconds(1)), new AttemptHistory(1, T0.minusSeconds(9), last, null)));
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

    @Test
    void theHalfOpenProbeIsAGetInfoNeverAMigrationAndItsAnswerLetsTheNextAttemptGo() {
        openCircuit();
        clock.advance(Duration.ofSeconds(30));
        agent.script(ContainerPresence.present("a", "c", 6, null), ContainerPresence.absent("b", "c"));
        var held = assertInstanceOf(NextStep.RetryAfter.class, attempt(request(null), AttemptHistory.NONE));
        assertEquals(0, held.history().attempts(), "the probe is no attempt");
        assertEquals(2, agent.migrateCalls, "no migration sent as the probe");
        assertEquals(List.of("a"), agent.located, "one get_info on the source");
        agent.migrations.add(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, attempt(request(null), held.history()));
        assertEquals(3, agent.migrateCalls);
    }

    @Test
    void aRequestWaitsForAnOpenCircuitAtMostMaxWaitThenEndsUnreachableAndRetryable() {
        openCircuit();
        clock.advance(Duration.ofMinutes(30)); // received at T0: max-wait (30 min) is reached by the next wait
        MigrationError down = MigrationError.of(ErrorCode.UNREACHABLE, "refused", true);
        agent.script(ContainerPresence.unknown("a", "c", down), ContainerPresence.absent("b", "c"));
        assertEquals(NextStep.ENDED, attempt(request(null), AttemptHistory.NONE));
        MigrationError error = published.get(published.size() - 1).error();
        assertEquals(ErrorCode.UNREACHABLE, error.code());
        assertTrue(error.retryable());
        assertTrue(error.message().contains("nothing was sent"), error.message());
        assertEquals(2, agent.migrateCalls);
    }

    @Test
    void aRequestWaitingForAnOpenCircuitExpiresAtItsNotAfter() {
        openCircuit();
        assertEquals(NextStep.ENDED, attempt(request(T0.plusSeconds(10)), AttemptHistory.NONE));
        assertEquals(ErrorCode.EXPIRED, published.get(published.size() - 1).error().code());
    }

    private void openCircuit() {
        MigrationError refused = new MigrationError(ErrorCode.UNREACHABLE, "refused", true, null, "a");
        agent.migrations.add(AgentOutcome.failed(refused));
        agent.migrations.add(AgentOutcome.failed(refused));
        attempt(request(null), AttemptHistory.NONE);
        attempt(request(null), AttemptHistory.NONE);
        published.clear();
    }

    private NextStep attempt(MigrationRequest request, AttemptHistory history) {
        return runner.attempt(request, history, sink).await().atMost(Duration.ofSeconds(30));
    }

    private List<String> statuses() {
        return published.stream().map(e -> e.status() + ":" + e.attempt()).toList();
    }

    private static AgentOutcome inDoubt() {
        return AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "answer lost", false, null, "a"));
    }

    private static MigrationRequest request(Instant notAfter) {
        return new MigrationRequest("r-1", "c", "a", "b", 0, MigrationOptions.NONE, notAfter, null, null,
                Priority.NORMAL, T0, null);
    }

    /**
     * How a real Agent shows one migration it accepted at {@code acceptedAt}: for {@code window} nothing changes
     * (running on the source, no transition); then the container is in transition on both nodes until
     * {@code length} after acceptance; then it is on the target only.
     */
    record RealAgentTiming(Instant acceptedAt, Duration window, Duration length) {

        ContainerPresence on(String node, Instant now) {
            boolean source = node.equals("a");
            if (now.isBefore(acceptedAt.plus(window))) {
                return source ? ContainerPresence.present(node, "c", 6, null) : ContainerPresence.absent(node, "c");
            }
            if (now.isBefore(acceptedAt.plus(length))) {
                return ContainerPresence.present(node, "c", 6, 9);
            }
            return source ? ContainerPresence.absent(node, "c") : ContainerPresence.present(node, "c", 6, null);
        }
    }

    /**
     * Answers migrate calls with the next scripted outcome; answers get_info from {@link #timing} when set, else with
     * the next scripted pair of answers (the last pair repeating); system/cancel with the next scripted outcome, else
     * {@link #cancelOtherwise}. Each round (source asked first) moves the clock by {@link #step} after answering.
     */
    final class ScriptedAgent implements AgentPort {
        final Deque<AgentOutcome> migrations = new ArrayDeque<>();
        final Deque<ContainerPresence[]> rounds_ = new ArrayDeque<>();
        ContainerPresence[] last;
        RealAgentTiming timing;
        Duration step = ROUND;
        final List<String> located = new ArrayList<>();
        final Deque<CancelOutcome> cancels = new ArrayDeque<>();
        CancelOutcome cancelOtherwise = CancelOutcome.cancelled();
        /** Migrations and cancels in the order made, with their packet ids. */
        final List<String> calls = new ArrayList<>();
        int migrateCalls;
        int rounds;

        void script(ContainerPresence source, ContainerPresence target) {
            rounds_.add(new ContainerPresence[] { source, target });
        }

        @Override
        public Uni<AgentOutcome> migrate(MigrationCall call) {
            migrateCalls++;
            calls.add("migrate:" + call.packetId());
            return Uni.createFrom().item(migrations.poll());
        }

        @Override
        public Uni<ContainerPresence> locate(String node, String containerId) {
            boolean source = node.equals("a");
            located.add(node);
            if (timing != null) {
                ContainerPresence answer = timing.on(node, clock.instant());
                if (!source) {
                    endRound();
                }
                return Uni.createFrom().item(answer);
            }
            if (source) {
                if (!rounds_.isEmpty()) {
                    last = rounds_.poll();
                }
                if (last == null) {
                    throw new AssertionError("no answer scripted");
                }
                return Uni.createFrom().item(last[0]);
            }
            ContainerPresence answer = last[1];
            endRound();
            return Uni.createFrom().item(answer);
        }

        @Override
        public Uni<CancelOutcome> cancel(String node, String packetId) {
            calls.add("cancel:" + node + ":" + packetId);
            return Uni.createFrom().item(cancels.isEmpty() ? cancelOtherwise : cancels.poll());
        }

        private void endRound() {
            rounds++;
            clock.advance(step);
        }
    }
}
