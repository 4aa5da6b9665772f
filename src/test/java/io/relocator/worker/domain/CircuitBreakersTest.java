package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.relocator.worker.domain.CircuitBreakers.Gate;
import io.relocator.worker.domain.CircuitBreakers.State;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Plain unit test with a hand-moved clock: open after N failures, hold back, one probe, close or open again; the
 * probe ends on every path; the longest wait for a circuit.
 */
class CircuitBreakersTest {

    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), Duration.ofMinutes(10), clock);

    @Test
    void opensAfterConsecutiveFailuresOnlyForThatNode() {
        breakers.record("a", false);
        breakers.record("a", false);
        breakers.record("a", true); // a success resets the count
        breakers.record("a", false);
        breakers.record("a", false);
        assertInstanceOf(Gate.Go.class, breakers.admit("a"));
        breakers.record("a", false);
        assertEquals(State.OPEN, breakers.state("a"));
        assertTrue(breakers.isOpen("a"));
        assertEquals(new Gate.Wait(Duration.ofSeconds(30)), breakers.admit("a"));
        assertInstanceOf(Gate.Go.class, breakers.admit("b"));
    }

    @Test
    void afterTheCoolDownOneProbeIsDueAndItsAnswerClosesTheCircuit() {
        open("a");
        clock.advance(Duration.ofSeconds(30));
        Gate.ProbeDue probe = assertInstanceOf(Gate.ProbeDue.class, breakers.admit("a"));
        assertEquals(State.HALF_OPEN, breakers.state("a"));
        assertInstanceOf(Gate.Wait.class, breakers.admit("a"), "one probe at a time, and no migration meanwhile");
        breakers.probe("a", probe.ticket(), () -> Uni.createFrom().item(true)).await().indefinitely();
        assertEquals(State.CLOSED, breakers.state("a"));
        assertInstanceOf(Gate.Go.class, breakers.admit("a"));
    }

    @Test
    void aProbeThatCannotReachTheAgentOpensTheCircuitAgain() {
        Gate.ProbeDue probe = halfOpen("a");
        breakers.probe("a", probe.ticket(), () -> Uni.createFrom().item(false)).await().indefinitely();
        assertEquals(State.OPEN, breakers.state("a"));
        assertEquals(new Gate.Wait(Duration.ofSeconds(30)), breakers.admit("a"));
    }

    @Test
    void aProbeThatFailsOrThrowsEndsTheProbeAndOpensTheCircuitAgain() {
        Gate.ProbeDue failed = halfOpen("a");
        breakers.probe("a", failed.ticket(), () -> Uni.createFrom().failure(new IllegalStateException("boom")))
                .await().indefinitely();
        assertEquals(State.OPEN, breakers.state("a"), "a failed Uni");

        Gate.ProbeDue thrown = halfOpen("a");
        breakers.probe("a", thrown.ticket(), () -> {
            throw new IllegalStateException("thrown while building the call");
        }).await().indefinitely();
        assertEquals(State.OPEN, breakers.state("a"), "an exception from the supplier");
        clock.advance(Duration.ofSeconds(30));
        assertInstanceOf(Gate.ProbeDue.class, breakers.admit("a"), "a new probe is due: the flag was cleared");
    }

    @Test
    void aCancelledProbeEndsTheProbe() {
        Gate.ProbeDue probe = halfOpen("a");
        Cancellable subscription = breakers.probe("a", probe.ticket(), () -> Uni.createFrom().nothing())
                .subscribe().with(ignored -> {
                });
        assertEquals(State.HALF_OPEN, breakers.state("a"), "still out");
        subscription.cancel();
        assertEquals(State.OPEN, breakers.state("a"));
    }

    @Test
    void aProbeOutLongerThanTheCoolDownIsGivenUpOnAndItsLateAnswerIgnored() {
        Gate.ProbeDue first = halfOpen("a");
        clock.advance(Duration.ofSeconds(30));
        Gate.ProbeDue second = assertInstanceOf(Gate.ProbeDue.class, breakers.admit("a"));
        breakers.probe("a", first.ticket(), () -> Uni.createFrom().item(true)).await().indefinitely();
        assertEquals(State.HALF_OPEN, breakers.state("a"), "the lost probe's late answer settles nothing");
        breakers.probe("a", second.ticket(), () -> Uni.createFrom().item(true)).await().indefinitely();
        assertEquals(State.CLOSED, breakers.state("a"));
    }

    @Test
    void aMigrationEndingWhileTheCircuitIsOpenNeitherClosesNorReopensIt() {
        open("a");
        breakers.record("a", true);
        assertEquals(State.OPEN, breakers.state("a"), "only the probe closes it");
    }

    @Test
    void theLongestWaitIsMaxWaitAfterTheFirstAttemptOrArrivalOrNotAfterWhenEarlier() {
        MigrationRequest arrived = request(T0.minusSeconds(60), null);
        assertEquals(T0.plus(Duration.ofMinutes(10)).minusSeconds(60), breakers.waitLimit(arrived, AttemptHistory.NONE));
        assertEquals(T0.plus(Duration.ofMinutes(10)),
                breakers.waitLimit(arrived, new AttemptHistory(1, T0, null, null)), "from the first attempt");
        MigrationRequest urgent = request(T0, T0.plusSeconds(5));
        assertEquals(T0.plusSeconds(5), breakers.waitLimit(urgent, AttemptHistory.NONE));
    }

    private Gate.ProbeDue halfOpen(String node) {
        open(node);
        clock.advance(Duration.ofSeconds(30));
        return assertInstanceOf(Gate.ProbeDue.class, breakers.admit(node));
    }

    private void open(String node) {
        for (int i = 0; i < 3; i++) {
            breakers.record(node, false);
        }
        assertFalse(breakers.state(node) == State.CLOSED);
    }

    private static MigrationRequest request(Instant receivedAt, Instant notAfter) {
        return new MigrationRequest("r-1", "c", "a", "b", 0, MigrationOptions.NONE, notAfter, null, null,
                Priority.NORMAL, receivedAt, null);
    }
}
