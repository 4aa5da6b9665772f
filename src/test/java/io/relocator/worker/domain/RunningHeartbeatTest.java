package io.relocator.worker.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * The heartbeat's timer and its stall decision on a real clock, with short intervals: a fake Agent whose
 * {@code get_info} answers are set by the test and whose migration calls never answer unless the test lets them.
 * Not a {@code @QuarkusTest}: the decisions are plain Java ({@code HeartbeatFlowTest} runs them against the simulator).
 */
class RunningHeartbeatTest {

    static final Duration TICK = Duration.ofMillis(100);
    static final MigrationRequest REQUEST = new MigrationRequest("hb-1", "c", "a", "b", 0,
            MigrationOptions.NONE, null, null, null, Priority.NORMAL, Instant.now(), null);

    final FakeAgent agent = new FakeAgent();
    final RecordingSink sink = new RecordingSink();
    final AtomicInteger stalls = new AtomicInteger();

    @Test
    void heartbeatsComeAtTheIntervalNumberedAndTimedFromStartedAndStopWhenTheCallEnds() {
        agent.onSource = ContainerPresence.present("a", "c", 6, 9);
        agent.onTarget = ContainerPresence.present("b", "c", 6, 9);
        CompletableFuture<AgentOutcome> answer = new CompletableFuture<>();
        Instant started = Instant.now();
        CompletableFuture<AgentOutcome> outcome = watch(new RunningWatch(TICK, Duration.ZERO, TICK),
                Uni.createFrom().completionStage(answer), started);

        await().atMost(Duration.ofSeconds(5)).until(() -> running().size() >= 3);
        answer.complete(AgentOutcome.completed());
        assertTrue(outcome.join().isCompleted());
        int seen = running().size();
        await().during(TICK.multipliedBy(4)).atMost(TICK.multipliedBy(6)).until(() -> running().size() == seen);

        List<MigrationEvent> beats = running();
        int previous = 0;
        for (MigrationEvent beat : beats) {
            int n = beat.heartbeat();
            // n is the interval the beat belongs to: increasing, a late one skipped (never two for one interval)
            assertTrue(n > previous, "heartbeat " + n + " after " + previous);
            previous = n;
            assertEquals("hb-1:RUNNING:2:" + n, beat.cloudEventId());
            assertEquals(2, beat.attempt());
            assertTrue(beat.elapsedMs() >= TICK.toMillis() * n, beat.elapsedMs() + " ms at beat " + n);
            assertEquals(Boolean.TRUE, beat.agents().source().inTransition());
            assertEquals("b", beat.agents().target().node());
        }
        assertEquals(0, stalls.get());
    }

    @Test
    void aCallOutPastTheStallTimeoutWithNoTransitionIsAbandonedAsALostAnswer() {
        agent.onSource = ContainerPresence.present("a", "c", 6, null);
        agent.onTarget = ContainerPresence.absent("b", "c");
        AtomicBoolean abandoned = new AtomicBoolean();
        Uni<AgentOutcome> never = Uni.createFrom().<AgentOutcome> emitter(emitter -> {
        }).onCancellation().invoke(() -> abandoned.set(true));
        Instant started = Instant.now();

        AgentOutcome outcome = watch(new RunningWatch(TICK, TICK.multipliedBy(3), TICK), never, started).join();

        long detectedAfter = Duration.between(started, Instant.now()).toMillis();
        assertEquals(ErrorCode.IN_DOUBT, outcome.error().code());
        assertTrue(outcome.error().message().contains("stalled"), outcome.error().message());
        assertTrue(abandoned.get(), "the call's Uni is cancelled");
        assertTrue(detectedAfter >= 300, detectedAfter + " ms: not before the stall timeout");
        assertEquals(1, stalls.get());
        int seen = running().size();
        await().during(TICK.multipliedBy(3)).atMost(TICK.multipliedBy(5)).until(() -> running().size() == seen);
    }

    @Test
    void aContainerInTransitionKeepsTheCallAlivePastTheStallTimeout() {
        agent.onSource = ContainerPresence.present("a", "c", 6, 9);
        agent.onTarget = ContainerPresence.absent("b", "c");
        CompletableFuture<AgentOutcome> answer = new CompletableFuture<>();
        CompletableFuture<AgentOutcome> outcome = watch(new RunningWatch(TICK, TICK, TICK),
                Uni.createFrom().completionStage(answer), Instant.now());

        await().atMost(Duration.ofSeconds(5)).until(() -> running().size() >= 4);
        assertTrue(!outcome.isDone(), "still waiting for its answer, three ticks past the stall timeout");
        answer.complete(AgentOutcome.completed());
        assertTrue(outcome.join().isCompleted());
        assertEquals(0, stalls.get());
    }

    @Test
    void aStalledCallWhoseContainerIsOnTheTargetIsReconciledAsCompletedWithoutResending() {
        agent.onSource = ContainerPresence.absent("a", "c");
        agent.onTarget = ContainerPresence.present("b", "c", 6, null);
        MigrationRunner runner = runner(new RunningWatch(TICK, TICK.multipliedBy(2), TICK));

        NextStep next = runner.attempt(REQUEST, AttemptHistory.NONE, sink).subscribeAsCompletionStage().join();

        assertEquals(NextStep.ENDED, next);
        MigrationEvent terminal = sink.last();
        assertEquals(MigrationStatus.COMPLETED, terminal.status());
        assertEquals(Boolean.TRUE, terminal.reconciled());
        assertEquals(1, agent.migrations.get(), "sent once");
        assertEquals(MigrationStatus.STARTED, sink.published.get(0).status());
        assertEquals(1, stalls.get());
    }

    @Test
    void aStalledCallIdleOnTheSourceIsCancelledByItsPacketIdBeforeAnotherAttempt() {
        agent.onSource = ContainerPresence.present("a", "c", 6, null);
        agent.onTarget = ContainerPresence.absent("b", "c");
        MigrationRunner runner = runner(new RunningWatch(TICK, TICK.multipliedBy(2), TICK));

        NextStep next = runner.attempt(REQUEST, AttemptHistory.NONE, sink).subscribeAsCompletionStage().join();

        NextStep.RetryAfter retry = assertInstanceOf(NextStep.RetryAfter.class, next);
        assertEquals(1, retry.history().attempts());
        assertEquals(List.of(sink.markedPackets.get(0)), agent.cancelled, "system/cancel of the stalled call's packet");
        assertEquals(1, agent.migrations.get(), "nothing sent again by the runner itself");
        assertEquals(List.of("stalled", "reconciled NOT_MIGRATED", "retried IN_DOUBT"), observed,
                "the metrics are told of the stall, the reconciliation's verdict and the retry");
    }

    private MigrationRunner runner(RunningWatch watch) {
        return new MigrationRunner(agent, Clock.systemUTC(), new RetryPolicy(3, Duration.ofMillis(10),
                Duration.ofMillis(10), Duration.ofMinutes(30), Set.of()),
                new Reconciliation(Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofMillis(200),
                        Duration.ofHours(12)),
                new SplittableRandom(1), new CircuitBreakers(2, Duration.ofSeconds(30), Duration.ofMinutes(30),
                        Clock.systemUTC()), watch, observer);
    }

    /** What the runner tells its observer (the metrics in production). */
    final List<String> observed = new CopyOnWriteArrayList<>();
    final RunObserver observer = new RunObserver() {
        @Override
        public void retried(ErrorCode code) {
            observed.add("retried " + code);
        }

        @Override
        public void reconciled(Reconciliation.Verdict verdict) {
            observed.add("reconciled " + verdict);
        }

        @Override
        public void stalled() {
            stalls.incrementAndGet();
            observed.add("stalled");
        }
    };

    private CompletableFuture<AgentOutcome> watch(RunningWatch watch, Uni<AgentOutcome> call, Instant started) {
        return new RunningHeartbeat(agent, Clock.systemUTC(), watch, stalls::incrementAndGet)
                .around(call, REQUEST, 2, started, sink).subscribeAsCompletionStage();
    }

    private List<MigrationEvent> running() {
        return sink.published.stream().filter(e -> e.status() == MigrationStatus.RUNNING).toList();
    }

    /** Answers get_info with what the test set; holds every migration call unanswered; accepts every cancel. */
    static final class FakeAgent implements AgentPort {
        volatile ContainerPresence onSource;
        volatile ContainerPresence onTarget;
        final AtomicInteger migrations = new AtomicInteger();
        final List<String> cancelled = new CopyOnWriteArrayList<>();

        @Override
        public Uni<AgentOutcome> migrate(MigrationCall call) {
            migrations.incrementAndGet();
            return Uni.createFrom().emitter(emitter -> {
            });
        }

        @Override
        public Uni<ContainerPresence> locate(String node, String containerId) {
            return Uni.createFrom().item(node.equals("a") ? onSource : onTarget);
        }

        @Override
        public Uni<CancelOutcome> cancel(String node, String packetId) {
            cancelled.add(packetId);
            return Uni.createFrom().item(CancelOutcome.cancelled());
        }
    }
}
