package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * Plain unit test of a run asked to stop ({@link Cancellation}): before its call, while its call is out (system/cancel
 * with the call's packet id, then settled with the Agents: stayed, moved anyway, cannot tell), and between attempts.
 * The fake Agent's migrate call stays out until the test answers it; each get_info round moves the clock by
 * {@link #ROUND}. Reconciliation: grace 30 s, deadline 15 min.
 */
class RunCancellationTest {

    static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
    static final Duration ROUND = Duration.ofSeconds(10);

    final MutableClock clock = new MutableClock(T0);
    final HeldAgent agent = new HeldAgent();
    final RecordingSink sink = new RecordingSink();
    final MigrationRunner runner = new MigrationRunner(agent, clock, new RetryPolicy(3, Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(30), Set.of()),
            new Reconciliation(Duration.ofMillis(1), Duration.ofMinutes(15), Duration.ofSeconds(30),
                    Duration.ofHours(1)),
            new SplittableRandom(7), new CircuitBreakers(2, Duration.ofSeconds(30), Duration.ofMinutes(30), clock));
    final Cancellation cancellation = new Cancellation();

    @Test
    void aRunAskedToStopBeforeItsCallEndsCancelledWithoutCallingTheAgent() {
        cancellation.request("cancelled by c-1");
        assertEquals(NextStep.ENDED, runner.attempt(request(), AttemptHistory.NONE, sink, cancellation).await()
                .atMost(Duration.ofSeconds(5)));
        MigrationEvent failed = sink.last();
        assertEquals(ErrorCode.CANCELLED, failed.error().code());
        assertEquals(0, failed.attempt());
        assertTrue(failed.error().message().startsWith("cancelled by c-1"), failed.error().message());
        assertEquals(List.of(), agent.calls, "no migrate, no cancel");
    }

    @Test
    void aCallOutIsCancelledByItsPacketIdAndEndsCancelledWhenTheContainerStayedOnTheSource() {
        agent.source = ContainerPresence.present("a", "c", 6, null);
        agent.target = ContainerPresence.absent("b", "c");
        CompletableFuture<NextStep> done = start();

        cancellation.request("cancelled by c-1");
        assertEquals(List.of("migrate:" + sink.markedPackets.get(0), "cancel:a:" + sink.markedPackets.get(0)),
                agent.calls, "system/cancel to the source, naming the call's packet id");
        agent.answer.complete(AgentOutcome.failed(new MigrationError(ErrorCode.AGENT_ERROR, "Cancelled", false, 141,
                "a")));

        assertEquals(NextStep.ENDED, done.join());
        MigrationEvent failed = sink.last();
        assertEquals(MigrationStatus.FAILED, failed.status());
        assertEquals(ErrorCode.CANCELLED, failed.error().code());
        assertEquals(1, failed.attempt());
        assertTrue(failed.error().message().contains("idle on the source"), failed.error().message());
    }

    @Test
    void aCallThatCompletesAnywayEndsCompleted() {
        CompletableFuture<NextStep> done = start();
        cancellation.request("completeBy passed");
        agent.answer.complete(AgentOutcome.completed());
        assertEquals(NextStep.ENDED, done.join());
        assertEquals(MigrationStatus.COMPLETED, sink.last().status(), "too late to cancel");
    }

    @Test
    void aCancelledCallWhoseContainerReachedTheTargetEndsCompletedReconciled() {
        agent.source = ContainerPresence.absent("a", "c");
        agent.target = ContainerPresence.present("b", "c", 6, null);
        CompletableFuture<NextStep> done = start();
        cancellation.request("cancelled by c-1");
        agent.answer.complete(AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "lost", false, null, "a")));
        assertEquals(NextStep.ENDED, done.join());
        assertEquals(MigrationStatus.COMPLETED, sink.last().status());
        assertEquals(Boolean.TRUE, sink.last().reconciled());
    }

    @Test
    void aCancelledCallTheAgentsCannotSettleEndsInDoubt() {
        agent.source = ContainerPresence.present("a", "c", 6, null);
        agent.target = ContainerPresence.present("b", "c", 6, null); // on both: never settled
        CompletableFuture<NextStep> done = start();
        cancellation.request("cancelled by c-1");
        agent.answer.complete(AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "lost", false, null, "a")));
        assertEquals(NextStep.ENDED, done.join());
        assertEquals(ErrorCode.IN_DOUBT, sink.last().error().code());
        assertEquals(1, agent.migrateCalls, "never sent again");
    }

    @Test
    void aBackOffEndsAsSoonAsTheRunIsAskedToStop() {
        CompletableFuture<Void> waited = cancellation.delay(Duration.ofHours(1)).subscribeAsCompletionStage()
                .toCompletableFuture();
        assertTrue(!waited.isDone());
        cancellation.request("cancelled by c-1");
        waited.join();
        assertTrue(cancellation.requested(), "a wait that ends does not undo the request");
    }

    private CompletableFuture<NextStep> start() {
        CompletableFuture<NextStep> done = runner.attempt(request(), AttemptHistory.NONE, sink, cancellation)
                .subscribeAsCompletionStage().toCompletableFuture();
        assertEquals(1, agent.migrateCalls, "the call is out");
        return done;
    }

    private static MigrationRequest request() {
        return new MigrationRequest("r-1", "c", "a", "b", 0, MigrationOptions.NONE, null, null, null,
                Priority.NORMAL, T0, null);
    }

    /** Its migrate call is answered by the test; get_info with fixed answers, a round moving the clock. */
    final class HeldAgent implements AgentPort {
        final CompletableFuture<AgentOutcome> answer = new CompletableFuture<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile ContainerPresence source = ContainerPresence.present("a", "c", 6, null);
        volatile ContainerPresence target = ContainerPresence.absent("b", "c");
        int migrateCalls;

        @Override
        public Uni<AgentOutcome> migrate(MigrationCall call) {
            migrateCalls++;
            calls.add("migrate:" + call.packetId());
            return Uni.createFrom().completionStage(answer);
        }

        @Override
        public Uni<ContainerPresence> locate(String node, String containerId) {
            if (node.equals("b")) {
                clock.advance(ROUND);
                return Uni.createFrom().item(target);
            }
            return Uni.createFrom().item(source);
        }

        @Override
        public Uni<CancelOutcome> cancel(String node, String packetId) {
            calls.add("cancel:" + node + ":" + packetId);
            return Uni.createFrom().item(CancelOutcome.cancelled());
        }
    }
}
