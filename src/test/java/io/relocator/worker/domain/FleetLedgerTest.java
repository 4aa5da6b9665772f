package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * Plain unit test: the ledger is synchronous, so each grant round is called by hand and its answer is exact, with a
 * clock moved by hand for priority aging.
 */
class FleetLedgerTest {

    private static final Duration AGING = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(Instant.EPOCH);
    private final PriorityOrder order = new PriorityOrder(AGING, clock);
    private final AtomicLong epochs = new AtomicLong(100);
    private final List<FleetLedger.Grant> grants = new ArrayList<>();
    private int sequence;

    @Test
    void neverExceedsThePerTargetBoundAndGrantsTheOldestNext() {
        FleetLedger ledger = ledger(2, 10, OptionalInt.empty());
        for (int i = 0; i < 5; i++) {
            want(ledger, "src-" + i, "t");
        }
        assertEquals(List.of("r0", "r1"), grant(ledger));
        assertEquals(List.of(), grant(ledger), "nothing more while t holds its bound");
        release(ledger, "r1");
        assertEquals(List.of("r2"), grant(ledger));
        assertEquals(2, ledger.loadOf("t").incoming());
    }

    @Test
    void honoursThePerSourceBoundAndPerNodeOverrides() {
        FleetLedger ledger = new FleetLedger(
                new ConcurrencyBounds(10, 1, 1, Map.of("t1", 1), Map.of("busy-src", 2)), OptionalInt.empty(),
                order);
        want(ledger, "s", "t1");
        want(ledger, "s", "t2");
        want(ledger, "busy-src", "t3");
        want(ledger, "busy-src", "t4");
        want(ledger, "busy-src", "t5");
        want(ledger, "other", "t1");
        assertEquals(List.of("r0", "r2", "r3"), grant(ledger), "maxInFlight 1 is not the ledger's bound");
    }

    @Test
    void neverGrantsMoreThanClusterMaxInAll() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.of(3));
        for (int i = 0; i < 6; i++) {
            want(ledger, "s" + i, "t" + i);
        }
        assertEquals(3, grant(ledger).size());
        assertEquals(List.of(), grant(ledger));
        release(ledger, "r0");
        assertEquals(List.of("r3"), grant(ledger));
        assertEquals(3, ledger.granted());
    }

    @Test
    void grantsOneMigrationPerContainerWhateverTheIdsCase() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.empty());
        String container = "A8A73D01-2969-6B48-9544-5CBF6EA7C554";
        want(ledger, request("first", container, "s", "t1"));
        want(ledger, request("second", container.toLowerCase(), "t1", "t2"));
        want(ledger, request("other", guid(), "s", "t2"));
        assertEquals(List.of("first", "other"), grant(ledger));
        assertEquals(List.of(), grant(ledger), "its container still holds a grant");
        release(ledger, "first");
        assertEquals(List.of("second"), grant(ledger));
    }

    @Test
    void aLaterRequestOfAContainerNeverOvertakesItsFirstEvenWhenOnlyTheLaterCouldStart() {
        FleetLedger ledger = ledger(1, 5, OptionalInt.empty());
        want(ledger, request("blocker", guid(), "s", "full"));
        assertEquals(List.of("blocker"), grant(ledger));
        String container = "A8A73D01-2969-6B48-9544-5CBF6EA7C554";
        want(ledger, request("first", container, "s", "full"));
        want(ledger, request("second", container.toLowerCase(), "s", "free"));
        assertEquals(List.of(), grant(ledger), "second's nodes have room, but first waits for its container");
        release(ledger, "blocker");
        assertEquals(List.of("first"), grant(ledger));
        release(ledger, "first");
        assertEquals(List.of("second"), grant(ledger));
    }

    @Test
    void aSaturatedTargetWithALongBacklogDoesNotHoldBackTheFreeOnes() {
        FleetLedger ledger = ledger(2, 100, OptionalInt.empty());
        for (int i = 0; i < 50; i++) {
            want(ledger, "src", "slow");
        }
        for (int i = 0; i < 3; i++) {
            want(ledger, "src", "f1");
            want(ledger, "src", "f2");
            want(ledger, "src", "f3");
        }
        grant(ledger);
        assertEquals(2, grantsFor("slow"));
        assertEquals(6, grants.size() - grantsFor("slow"));
        releaseAllFor(ledger, "slow");
        grant(ledger);
        assertEquals(4, grantsFor("slow"), "the slow target's next two took its freed slots");
        releaseAllFor(ledger, "f1");
        releaseAllFor(ledger, "f2");
        releaseAllFor(ledger, "f3");
        grant(ledger);
        assertEquals(9, grants.size() - grantsFor("slow"));
        assertEquals(4, grantsFor("slow"));
    }

    @Test
    void aBacklogFromAFullSourceDoesNotHoldBackOtherSourcesForTheSameTarget() {
        FleetLedger ledger = ledger(10, 1, OptionalInt.empty());
        for (int i = 0; i < 20; i++) {
            want(ledger, "busy-src", "t");
        }
        want(ledger, request("free-src", guid(), "free-src", "t"));
        assertEquals(List.of("r0", "free-src"), grant(ledger));
    }

    @Test
    void sharesGrantsRoundRobinAcrossTargets() {
        FleetLedger ledger = ledger(10, 100, OptionalInt.of(1));
        for (String target : List.of("a", "a", "a", "b", "b", "c")) {
            want(ledger, "src", target);
        }
        List<String> targets = new ArrayList<>();
        for (List<String> next = grant(ledger); !next.isEmpty(); next = grant(ledger)) {
            FleetLedger.Grant only = grants.get(grants.size() - 1);
            targets.add(only.request().targetNode());
            assertTrue(ledger.release(only.request().requestId(), only.epoch()));
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "a"), targets);
    }

    @Test
    void aTargetNeverServedTakesItsTurnBeforeOneServedAlready() {
        FleetLedger ledger = ledger(10, 100, OptionalInt.of(1));
        want(ledger, request("a1", guid(), "src", "a"));
        want(ledger, request("a2", guid(), "src", "a"));
        assertEquals(List.of("a1"), grant(ledger));
        want(ledger, request("b1", guid(), "src", "b"));
        release(ledger, "a1");
        assertEquals(List.of("b1"), grant(ledger), "b was never served, although a2 waits longer");
    }

    @Test
    void aHigherClassIsGrantedFirstWithinTheBounds() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        want(ledger, request("running", guid(), "s", "t"));
        assertEquals(List.of("running"), grant(ledger));
        want(ledger, request("low", guid(), "s", "t", Priority.LOW));
        want(ledger, request("normal", guid(), "s", "t", Priority.NORMAL));
        want(ledger, request("high", guid(), "s", "t", Priority.HIGH));
        List<String> next = new ArrayList<>();
        for (String previous = "running"; next.size() < 3; previous = next.get(next.size() - 1)) {
            release(ledger, previous);
            next.addAll(grant(ledger));
        }
        assertEquals(List.of("high", "normal", "low"), next);
    }

    @Test
    void aHigherClassForAnotherTargetTakesTheLastClusterSlotFirst() {
        FleetLedger ledger = ledger(10, 100, OptionalInt.of(1));
        want(ledger, request("running", guid(), "s", "x"));
        assertEquals(List.of("running"), grant(ledger));
        want(ledger, request("normal-a", guid(), "s", "a"));
        want(ledger, request("high-b", guid(), "s", "b", Priority.HIGH));
        release(ledger, "running");
        assertEquals(List.of("high-b"), grant(ledger), "although a, never served either, arrived first");
    }

    @Test
    void aLowRequestThatWaitedTwoAgingPeriodsCompetesWithNewHighOnesByAge() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        want(ledger, request("running", guid(), "s", "t"));
        assertEquals(List.of("running"), grant(ledger));
        want(ledger, request("old-low", guid(), "s", "t", Priority.LOW));
        clock.advance(AGING.multipliedBy(2));
        want(ledger, request("new-high", guid(), "s", "t", Priority.HIGH));
        release(ledger, "running");
        assertEquals(List.of("old-low"), grant(ledger), "aged to high, and it waited longer");
    }

    @Test
    void withinAClassTheRequestWaitingLongestIsGrantedFirstWhateverTheOrderOfWants() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        assertTrue(ledger.want(request("later", guid(), "s", "t"), Instant.EPOCH.plusSeconds(20)));
        assertTrue(ledger.want(request("earlier", guid(), "s", "t"), Instant.EPOCH.plusSeconds(10)));
        assertTrue(ledger.want(request("same-as-later", guid(), "s", "t"), Instant.EPOCH.plusSeconds(20)));
        assertEquals(List.of("earlier"), grant(ledger));
        release(ledger, "earlier");
        assertEquals(List.of("later"), grant(ledger), "equal waiting times go in arrival order");
    }

    @Test
    void aReleaseWithAStaleEpochOrForAnUngrantedRequestFreesNothing() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        want(ledger, "s", "t");
        want(ledger, "s", "t");
        assertEquals(List.of("r0"), grant(ledger));
        long epoch = ledger.epochOf("r0").orElseThrow();
        assertFalse(ledger.release("r0", epoch - 1));
        assertFalse(ledger.release("r1", epoch), "r1 is waiting, not granted");
        assertFalse(ledger.release("unknown", epoch));
        assertEquals(OptionalLong.of(epoch), ledger.epochOf("r0"));
        assertEquals(1, ledger.loadOf("t").incoming());
        assertEquals(List.of(), grant(ledger), "t's slot is still held");
        assertTrue(ledger.isWaiting("r1"));
    }

    @Test
    void aReleaseFreesTheSlotsAndTheNextGrantTakesThem() {
        FleetLedger ledger = ledger(1, 1, OptionalInt.empty());
        want(ledger, "s", "t");
        want(ledger, "s", "t");
        assertEquals(List.of("r0"), grant(ledger));
        assertTrue(ledger.release("r0", ledger.epochOf("r0").orElseThrow()));
        assertEquals(OptionalLong.empty(), ledger.epochOf("r0"));
        assertEquals(List.of(0, 0), List.of(ledger.loadOf("t").incoming(), ledger.loadOf("s").outgoing()));
        assertEquals(List.of("r1"), grant(ledger));
        assertFalse(ledger.release("r0", 101), "released once only");
    }

    @Test
    void eachGrantCarriesTheNextEpoch() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.empty());
        want(ledger, "s", "t");
        want(ledger, "s", "t");
        grant(ledger);
        assertEquals(List.of(101L, 102L), grants.stream().map(FleetLedger.Grant::epoch).toList());
        assertEquals(OptionalLong.of(102), ledger.epochOf("r1"));
    }

    @Test
    void restoredGrantsCountTowardTheBoundsSoARebuildNeverExceedsThem() {
        FleetLedger ledger = ledger(2, 100, OptionalInt.empty());
        ledger.restoreGrant(request("old-1", guid(), "s1", "t"), 7);
        ledger.restoreGrant(request("old-2", guid(), "s2", "t"), 8);
        want(ledger, request("new-1", guid(), "s3", "t"));
        want(ledger, request("new-2", guid(), "s4", "t"));
        assertEquals(List.of(), grant(ledger));
        assertEquals(2, ledger.loadOf("t").incoming());
        assertEquals(2, ledger.granted());
        assertTrue(ledger.release("old-1", 7));
        assertEquals(List.of("new-1"), grant(ledger));
    }

    @Test
    void aRestoredGrantHoldsItsSourceAndContainerToo() {
        FleetLedger ledger = ledger(10, 1, OptionalInt.empty());
        String container = guid();
        ledger.restoreGrant(request("old", container, "s", "t1"), 7);
        want(ledger, request("same-source", guid(), "s", "t2"));
        want(ledger, request("same-container", container.toUpperCase(), "other", "t3"));
        assertEquals(List.of(), grant(ledger));
    }

    @Test
    void restoringAWaitingRequestMovesItToGranted() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        MigrationRequest request = request("r", guid(), "s", "t");
        want(ledger, request);
        ledger.restoreGrant(request, 7);
        assertFalse(ledger.isWaiting("r"));
        assertEquals(List.of(0, 1), List.of(ledger.waiting(), ledger.granted()));
        assertEquals(List.of(0, 1), List.of(ledger.loadOf("t").queued(), ledger.loadOf("t").incoming()));
        assertEquals(OptionalLong.of(7), ledger.epochOf("r"));
        assertEquals(List.of(), grant(ledger), "granted once, not again");
    }

    @Test
    void aDuplicateWantIsIgnoredWhetherWaitingOrGranted() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        MigrationRequest request = request("r", guid(), "s", "t");
        assertTrue(ledger.want(request, order.now()));
        assertFalse(ledger.want(request, order.now()));
        assertEquals(List.of(1, 1), List.of(ledger.waiting(), ledger.loadOf("t").queued()));
        assertEquals(List.of("r"), grant(ledger));
        assertFalse(ledger.want(request, order.now()));
        assertEquals(0, ledger.waiting());
        release(ledger, "r");
        assertEquals(List.of(), grant(ledger), "granted once");
    }

    @Test
    void dropsAWaitingRequestAndLetsTheNextOfItsContainerGo() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.empty());
        String container = guid();
        want(ledger, request("granted", guid(), "s", "t"));
        assertEquals(List.of("granted"), grant(ledger));
        MigrationRequest cancelled = request("cancelled", container, "s", "t");
        want(ledger, cancelled);
        want(ledger, request("next", container, "s", "t"));
        assertEquals(Optional.of(cancelled), ledger.dropWaiting("cancelled"));
        assertFalse(ledger.isWaiting("cancelled"));
        assertEquals(Optional.empty(), ledger.dropWaiting("cancelled"));
        assertEquals(Optional.empty(), ledger.dropWaiting("granted"), "a granted request is not waiting");
        assertEquals(Optional.empty(), ledger.dropWaiting("unknown"));
        assertEquals(List.of(1, 1), List.of(ledger.waiting(), ledger.loadOf("t").queued()));
        assertEquals(List.of("next"), grant(ledger));
        assertEquals(2, ledger.granted());
    }

    @Test
    void listsTheExpiredWaitingRequestsWithoutRemovingThem() {
        FleetLedger ledger = ledger(1, 100, OptionalInt.empty());
        Instant now = Instant.EPOCH.plusSeconds(100);
        want(ledger, expiring("granted-expired", now.minusSeconds(1)));
        grant(ledger);
        MigrationRequest expired = expiring("expired", now.minusSeconds(1));
        want(ledger, expired);
        want(ledger, expiring("at-its-deadline", now));
        want(ledger, expiring("later", now.plusSeconds(1)));
        want(ledger, request("no-deadline", guid(), "s", "t"));
        assertEquals(List.of(expired), ledger.expiredWaiting(now));
        assertTrue(ledger.isWaiting("expired"));
        assertEquals(4, ledger.waiting());
    }

    @Test
    void aCancelledWaitingRequestIsNeverGrantedAndTheNextOfItsContainerMovesUp() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.empty());
        String container = guid();
        want(ledger, request("running", container, "s", "t1"));
        want(ledger, request("cancelled", container, "t1", "t2"));
        want(ledger, request("after", container, "t1", "t3"));
        assertEquals(List.of("running"), grant(ledger));

        assertEquals(FleetLedger.Cancelled.WAITING_DROPPED, ledger.cancel("cancelled"));
        assertFalse(ledger.isWaiting("cancelled"));
        assertEquals(0, ledger.loadOf("t2").queued(), "no longer counted as waiting for its target");
        release(ledger, "running");
        assertEquals(List.of("after"), grant(ledger), "the cancelled one is skipped, never granted");
        assertEquals(FleetLedger.Cancelled.NOT_HELD, ledger.cancel("cancelled"), "a second cancel changes nothing");
    }

    @Test
    void aCancelledGrantKeepsItsSlotsUntilItsRelease() {
        FleetLedger ledger = ledger(1, 5, OptionalInt.empty());
        want(ledger, request("granted", guid(), "s", "t"));
        want(ledger, request("next", guid(), "s", "t"));
        assertEquals(List.of("granted"), grant(ledger));

        assertEquals(FleetLedger.Cancelled.GRANTED, ledger.cancel("granted"));
        assertEquals(1, ledger.loadOf("t").incoming(), "its run is still stopping: the slot is held");
        assertEquals(List.of(), grant(ledger), "the bound holds while it stops");
        release(ledger, "granted");
        assertEquals(List.of("next"), grant(ledger));
    }

    @Test
    void aCancelOfAnUnknownRequestChangesNothing() {
        FleetLedger ledger = ledger(1, 5, OptionalInt.empty());
        want(ledger, "s", "t");
        assertEquals(FleetLedger.Cancelled.NOT_HELD, ledger.cancel("never-seen"));
        assertEquals(1, ledger.waiting());
        assertEquals(List.of("r0"), grant(ledger));
    }

    @Test
    void findsWaitingRequestsPastTheirCompleteByWithoutRemovingThem() {
        FleetLedger ledger = ledger(5, 5, OptionalInt.empty());
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        MigrationRequest overdue = completeBy("overdue", now.minusMillis(1));
        want(ledger, overdue);
        want(ledger, completeBy("later", now.plusSeconds(1)));
        want(ledger, request("none", guid(), "s", "t"));
        assertEquals(List.of(overdue), ledger.pastCompleteBy(now));
        assertTrue(ledger.isWaiting("overdue"));
    }

    @Test
    void exposesEachNodesLoadAgainstItsBounds() {
        FleetLedger ledger = new FleetLedger(
                new ConcurrencyBounds(2, 3, 100, Map.of("t", 1), Map.of()), OptionalInt.empty(), order);
        want(ledger, "s", "t");
        want(ledger, "s", "t");
        grant(ledger);
        NodeLoad target = ledger.loads().stream().filter(l -> l.node().equals("t")).findFirst().orElseThrow();
        NodeLoad source = ledger.loads().stream().filter(l -> l.node().equals("s")).findFirst().orElseThrow();
        assertEquals(List.of(1, 1, 1), List.of(target.incoming(), target.queued(), target.maxIncoming()));
        assertEquals(List.of(1, 3), List.of(source.outgoing(), source.maxOutgoing()));
        assertEquals(List.of(1, 1), List.of(ledger.granted(), ledger.waiting()));
    }

    /**
     * A scan skips a request whose source is full and moves past it; a target not scanned in a call (full then)
     * must still scan from its oldest request again in its next one, or the skipped request would wait for ever.
     */
    @Test
    void aRequestSkippedForItsFullSourceIsGrantedOnceTheSourceFreesEvenAfterCallsThatSkippedItsTarget() {
        FleetLedger ledger = ledger(1, 1, OptionalInt.empty());
        want(ledger, request("busy-elsewhere", guid(), "busy", "u"));
        assertEquals(List.of("busy-elsewhere"), grant(ledger));
        want(ledger, request("from-busy", guid(), "busy", "t"));
        want(ledger, request("from-free", guid(), "free", "t"));
        assertEquals(List.of("from-free"), grant(ledger), "the busy source holds back only its own request");
        release(ledger, "busy-elsewhere");
        assertEquals(List.of(), grant(ledger), "t is full: not scanned in this call");
        release(ledger, "from-free");
        assertEquals(List.of("from-busy"), grant(ledger));
    }

    private FleetLedger ledger(int perTarget, int perSource, OptionalInt clusterMax) {
        return new FleetLedger(new ConcurrencyBounds(perTarget, perSource, 1, Map.of(), Map.of()), clusterMax,
                order);
    }

    private void want(FleetLedger ledger, String source, String target) {
        want(ledger, request("r" + sequence, guid(), source, target));
    }

    private void want(FleetLedger ledger, MigrationRequest request) {
        assertTrue(ledger.want(request, order.now()));
    }

    /** One grant round; its grants are kept in {@link #grants}, its request ids returned. */
    private List<String> grant(FleetLedger ledger) {
        List<FleetLedger.Grant> round = ledger.grant(epochs::incrementAndGet);
        grants.addAll(round);
        return round.stream().map(g -> g.request().requestId()).toList();
    }

    private void release(FleetLedger ledger, String requestId) {
        assertTrue(ledger.release(requestId, ledger.epochOf(requestId).orElseThrow()));
    }

    private void releaseAllFor(FleetLedger ledger, String target) {
        grants.stream().filter(g -> g.request().targetNode().equals(target))
                .forEach(g -> ledger.release(g.request().requestId(), g.epoch()));
    }

    private long grantsFor(String target) {
        return grants.stream().filter(g -> g.request().targetNode().equals(target)).count();
    }

    private String guid() {
        return String.format("00000000-0000-0000-0000-%012d", sequence++);
    }

    private MigrationRequest expiring(String id, Instant notAfter) {
        return new MigrationRequest(id, guid(), "s" + sequence, "t" + sequence, 0, MigrationOptions.NONE, notAfter,
                null, null, Priority.NORMAL, Instant.EPOCH, null);
    }

    private MigrationRequest completeBy(String id, Instant completeBy) {
        return new MigrationRequest(id, guid(), "s" + sequence, "t" + sequence, 0, MigrationOptions.NONE, null,
                null, null, Priority.NORMAL, Instant.EPOCH, completeBy);
    }

    private static MigrationRequest request(String id, String container, String source, String target) {
        return request(id, container, source, target, Priority.NORMAL);
    }

    private static MigrationRequest request(String id, String container, String source, String target,
            Priority priority) {
        return new MigrationRequest(id, container, source, target, 0, MigrationOptions.NONE, null, null, null,
                priority, Instant.EPOCH, null);
    }
}
