package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * Plain unit test of the operator's node controls in the {@link FleetLedger}: pauses per direction, bounds overriding
 * the configured ones until reset, and the drained-to-zero status. Each grant round is called by hand.
 */
class NodeControlsTest {

    private final PriorityOrder order = new PriorityOrder(Duration.ofMinutes(10), new MutableClock(Instant.EPOCH));
    private final AtomicLong epochs = new AtomicLong();
    private int sequence;

    @Test
    void aNodePausedInReceivesNothingNewWhileOtherTargetsAreGranted() {
        FleetLedger ledger = ledger(2, 2);
        ledger.control(new NodeCommand.Pause("t1", Direction.IN));
        want(ledger, "s1", "t1");
        want(ledger, "s2", "t2");
        assertEquals(List.of("r1"), grant(ledger));
        assertEquals(List.of(), grant(ledger), "the request for t1 waits while t1 is paused in");
        assertEquals(1, ledger.loadOf("t1").queued());
    }

    @Test
    void aPauseKeepsRunningGrantsWhichStillFreeTheirSlots() {
        FleetLedger ledger = ledger(2, 2);
        want(ledger, "s1", "t1");
        assertEquals(List.of("r0"), grant(ledger));
        ledger.control(new NodeCommand.Pause("t1", Direction.BOTH));
        assertEquals(1, ledger.loadOf("t1").incoming(), "a running migration finishes: its grant stays");
        assertTrue(ledger.release("r0", ledger.epochOf("r0").orElseThrow()));
        assertEquals(0, ledger.loadOf("t1").incoming());
    }

    @Test
    void aNodePausedOutSendsNothingNewButStillReceives() {
        FleetLedger ledger = ledger(5, 5);
        ledger.control(new NodeCommand.Pause("n", Direction.OUT));
        want(ledger, "n", "t");
        want(ledger, "other", "t");
        want(ledger, "other2", "n");
        assertEquals(List.of("r1", "r2"), grant(ledger), "n paused out: its outgoing request waits, incoming goes");
    }

    @Test
    void aNodePausedInStillSends() {
        FleetLedger ledger = ledger(5, 5);
        ledger.control(new NodeCommand.Pause("n", Direction.IN));
        want(ledger, "n", "t");
        want(ledger, "other", "n");
        assertEquals(List.of("r0"), grant(ledger));
    }

    @Test
    void resumingGrantsWhatWaitedAndResumingOneDirectionKeepsTheOther() {
        FleetLedger ledger = ledger(5, 5);
        ledger.control(new NodeCommand.Pause("n", Direction.BOTH));
        want(ledger, "n", "t");
        want(ledger, "other", "n");
        assertEquals(List.of(), grant(ledger));
        NodeControl after = ledger.control(new NodeCommand.Resume("n", Direction.IN));
        assertEquals(List.of(false, true), List.of(after.pausedIn(), after.pausedOut()));
        assertEquals(List.of("r1"), grant(ledger), "only the incoming one: n is still paused out");
        ledger.control(new NodeCommand.Resume("n", Direction.BOTH));
        assertEquals(List.of("r0"), grant(ledger));
    }

    @Test
    void anOverrideRaisesANodesBoundAndAResetRestoresTheConfiguredOne() {
        FleetLedger ledger = ledger(1, 10);
        for (int i = 0; i < 4; i++) {
            want(ledger, "s" + i, "t");
        }
        ledger.control(new NodeCommand.OverrideBounds("t", OptionalInt.of(3), OptionalInt.empty()));
        assertEquals(3, ledger.loadOf("t").maxIncoming());
        assertEquals(List.of("r0", "r1", "r2"), grant(ledger));
        ledger.control(new NodeCommand.ResetBounds("t"));
        assertEquals(1, ledger.loadOf("t").maxIncoming());
        release(ledger, "r0");
        release(ledger, "r1");
        assertEquals(List.of(), grant(ledger), "back at its configured 1, with r2 still running");
        release(ledger, "r2");
        assertEquals(List.of("r3"), grant(ledger));
    }

    @Test
    void aLoweredBoundTakesNothingBackAndGrantsOnlyBelowIt() {
        FleetLedger ledger = ledger(3, 10);
        for (int i = 0; i < 3; i++) {
            want(ledger, "s" + i, "t");
        }
        assertEquals(3, grant(ledger).size());
        want(ledger, "s9", "t");
        ledger.control(new NodeCommand.OverrideBounds("t", OptionalInt.of(1), OptionalInt.empty()));
        assertEquals(3, ledger.loadOf("t").incoming());
        release(ledger, "r0");
        release(ledger, "r1");
        assertEquals(List.of(), grant(ledger), "one still running: at its new bound of 1");
        release(ledger, "r2");
        assertEquals(List.of("r3"), grant(ledger));
    }

    @Test
    void anOutgoingOverrideBoundsTheSourceAndLeavesTheIncomingOverride() {
        FleetLedger ledger = ledger(10, 1);
        ledger.control(new NodeCommand.OverrideBounds("s", OptionalInt.of(4), OptionalInt.empty()));
        NodeControl control = ledger.control(new NodeCommand.OverrideBounds("s", OptionalInt.empty(),
                OptionalInt.of(2)));
        assertEquals(List.of(OptionalInt.of(4), OptionalInt.of(2)),
                List.of(control.maxIncoming(), control.maxOutgoing()));
        for (int i = 0; i < 3; i++) {
            want(ledger, "s", "t" + i);
        }
        assertEquals(List.of("r0", "r1"), grant(ledger));
    }

    @Test
    void drainedMeansPausedWithNothingInFlightInThePausedDirections() {
        NodeControl none = NodeControl.none("n");
        assertFalse(none.drained(0, 0), "not paused: work may come at any moment");
        NodeControl pausedIn = new NodeCommand.Pause("n", Direction.IN).applyTo(none);
        assertFalse(pausedIn.drained(1, 0));
        assertTrue(pausedIn.drained(0, 3), "outgoing work does not count against a pause of incoming");
        NodeControl both = new NodeCommand.Pause("n", Direction.BOTH).applyTo(none);
        assertFalse(both.drained(0, 1));
        assertTrue(both.drained(0, 0));
    }

    @Test
    void aRestoredControlIsHonouredAndCommandsAreIdempotent() {
        FleetLedger ledger = ledger(5, 5);
        NodeControl paused = new NodeCommand.Pause("t", Direction.IN).applyTo(NodeControl.none("t"));
        assertEquals(paused, new NodeCommand.Pause("t", Direction.IN).applyTo(paused));
        ledger.restoreControl(paused);
        want(ledger, "s", "t");
        assertEquals(List.of(), grant(ledger));
        assertTrue(ledger.control(new NodeCommand.Resume("t", Direction.BOTH)).isNone());
        assertEquals(List.of("r0"), grant(ledger));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new NodeCommand.OverrideBounds("t", OptionalInt.of(0), OptionalInt.empty()));
    }

    private FleetLedger ledger(int perTarget, int perSource) {
        return new FleetLedger(new ConcurrencyBounds(perTarget, perSource, 1, Map.of(), Map.of()),
                OptionalInt.empty(), order);
    }

    private void want(FleetLedger ledger, String source, String target) {
        String container = String.format("00000000-0000-0000-0000-%012d", sequence);
        assertTrue(ledger.want(new MigrationRequest("r" + sequence++, container, source, target, 0,
                MigrationOptions.NONE, null, null, null, Priority.NORMAL, Instant.EPOCH, null), order.now()));
    }

    private List<String> grant(FleetLedger ledger) {
        return ledger.grant(epochs::incrementAndGet).stream().map(g -> g.request().requestId()).toList();
    }

    private void release(FleetLedger ledger, String requestId) {
        assertTrue(ledger.release(requestId, ledger.epochOf(requestId).orElseThrow()));
    }
}
