package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Plain unit test with a hand-driven fake: each started request waits until the test completes it, so dispatch
 * order and counts are exact, with a clock moved by hand (priority aging) and no sleeps.
 */
class MigrationSchedulerTest {

    private static final Duration AGING = Duration.ofMinutes(10);

    private final List<Started> started = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.EPOCH);
    private final PriorityOrder order = new PriorityOrder(AGING, clock);
    private int sequence;

    @Test
    void neverExceedsThePerTargetBoundAndStartsTheOldestNext() {
        MigrationScheduler scheduler = scheduler(2, 10, 100, 100);
        for (int i = 0; i < 5; i++) {
            submit(scheduler, "src-" + i, "t");
        }
        assertEquals(List.of("r0", "r1"), startedIds());
        complete("r1");
        assertEquals(List.of("r0", "r1", "r2"), startedIds());
        complete("r0");
        complete("r2");
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), startedIds());
    }

    @Test
    void honoursThePerSourceBoundAndPerNodeOverrides() {
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(10, 1, 100, 100, 100, Map.of(), Map.of("busy-src", 2)), order);
        submit(scheduler, "s", "t1");
        submit(scheduler, "s", "t2");
        submit(scheduler, "busy-src", "t3");
        submit(scheduler, "busy-src", "t4");
        submit(scheduler, "busy-src", "t5");
        assertEquals(List.of("r0", "r2", "r3"), startedIds());
    }

    @Test
    void honoursTheProcessBound() {
        MigrationScheduler scheduler = scheduler(5, 5, 3, 100);
        for (int i = 0; i < 6; i++) {
            submit(scheduler, "s" + i, "t" + i);
        }
        assertEquals(3, started.size());
        complete("r0");
        assertEquals(4, started.size());
    }

    @Test
    void runsOneMigrationPerContainerInArrivalOrder() {
        MigrationScheduler scheduler = scheduler(5, 5, 100, 100);
        String container = "A8A73D01-2969-6B48-9544-5CBF6EA7C554";
        submit(scheduler, request("first", container, "s", "t1"));
        submit(scheduler, request("second", container.toLowerCase(), "t1", "t2"));
        submit(scheduler, request("other", "11111111-2222-3333-4444-555555555555", "s", "t2"));
        assertEquals(List.of("first", "other"), startedIds());
        complete("first");
        assertEquals(List.of("first", "other", "second"), startedIds());
    }

    @Test
    void aSaturatedNodeDoesNotHoldBackTheOthers() {
        MigrationScheduler scheduler = scheduler(2, 100, 1000, 1000);
        for (int i = 0; i < 50; i++) {
            submit(scheduler, "src", "slow");
        }
        for (int i = 0; i < 3; i++) {
            submit(scheduler, "src", "f1");
            submit(scheduler, "src", "f2");
            submit(scheduler, "src", "f3");
        }
        assertEquals(2 + 3 * 2, started.size());
        assertEquals(6, started.stream().filter(s -> !s.request.targetNode().equals("slow")).count());
        completeAllFor("f1");
        completeAllFor("f2");
        completeAllFor("f3");
        assertEquals(9, started.stream().filter(s -> !s.request.targetNode().equals("slow")).count());
        assertEquals(2, started.stream().filter(s -> s.request.targetNode().equals("slow")).count());
    }

    @Test
    void sharesFreeCapacityRoundRobinAcrossTargets() {
        MigrationScheduler scheduler = scheduler(10, 100, 1, 1000);
        for (String target : List.of("a", "a", "a", "b", "b", "c")) {
            submit(scheduler, "src", target);
        }
        List<String> order = new ArrayList<>();
        while (started.size() > order.size()) {
            Started next = started.get(order.size());
            order.add(next.request.targetNode());
            next.emitter.complete(null);
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "a"), order);
    }

    @Test
    void submitWaitsForRoomOnlyWhileTheProcessRunsItsMaximum() {
        MigrationScheduler scheduler = scheduler(1, 10, 1, 1);
        submit(scheduler, "s", "t"); // starts at once: the queue is empty again
        assertTrue(submit(scheduler, "s2", "t2").get());
        AtomicReference<Admission> third = answer(scheduler, request("r2", guid(), "s3", "t3"));
        assertNull(third.get(), "answered although the queue is full and nothing can start");
        complete("r0");
        assertEquals(Admission.QUEUED, third.get(), "taken once a migration ended");
        assertEquals(List.of("r0", "r1"), startedIds());
    }

    @Test
    void aQueueFullOfSaturatedNodesNeverHoldsBackAFreeOne() {
        // an evacuation: two saturated targets, each running one and with two waiting, fill the whole queue
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(1, 100, 100, 4, 2, Map.of(), Map.of()), order);
        for (String target : List.of("busy-1", "busy-1", "busy-1", "busy-2", "busy-2", "busy-2")) {
            assertTrue(submit(scheduler, "src-" + target, target).get());
        }
        assertEquals(4, scheduler.queued());
        AtomicReference<Admission> saturated = answer(scheduler, request("busy-3", guid(), "src", "busy-1"));
        assertEquals(Admission.NO_ROOM, saturated.get(), "handed back at once, never waited for");
        AtomicReference<Admission> free = answer(scheduler, request("free", guid(), "src", "free-node"));
        assertEquals(Admission.QUEUED, free.get());
        assertTrue(startedIds().contains("free"), "the free node's request started although the queue was full");
        AtomicReference<Admission> sameContainerAsRunning = answer(scheduler,
                request("again", started.get(0).request.containerId(), "src", "other-free-node"));
        assertEquals(Admission.NO_ROOM, sameContainerAsRunning.get(), "its container is busy: it could not start");
    }

    @Test
    void aRetryIsQueuedPastAFullQueueOnceItsNodeHasRoom() {
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(1, 100, 100, 1, 1, Map.of(), Map.of()), order);
        submit(scheduler, "s", "t"); // runs
        submit(scheduler, "s", "t"); // waits: the whole queue, and t's share
        AtomicBoolean retried = new AtomicBoolean();
        MigrationRequest retry = request("retry", guid(), "s", "u");
        scheduler.resubmit(retry, "p", () -> Uni.createFrom().emitter(e -> started.add(new Started(retry, e))))
                .subscribe().with(ok -> retried.set(true));
        assertTrue(retried.get());
        assertEquals(List.of("r0", "retry"), startedIds());
        AtomicBoolean waitingForShare = new AtomicBoolean();
        MigrationRequest second = request("retry-t", guid(), "s", "t");
        scheduler.resubmit(second, "p", () -> Uni.createFrom().emitter(e -> started.add(new Started(second, e))))
                .subscribe().with(ok -> waitingForShare.set(true));
        assertFalse(waitingForShare.get(), "queued although t's share of the queue is full");
        complete("r0");
        assertTrue(waitingForShare.get());
    }

    @Test
    void aHigherClassStartsFirstWithinTheBounds() {
        MigrationScheduler scheduler = scheduler(1, 100, 100, 100);
        submit(scheduler, request("running", guid(), "s", "t"));
        submit(scheduler, request("low", guid(), "s", "t", Priority.LOW));
        submit(scheduler, request("normal", guid(), "s", "t", Priority.NORMAL));
        submit(scheduler, request("high", guid(), "s", "t", Priority.HIGH));
        complete("running");
        complete("high");
        complete("normal");
        assertEquals(List.of("running", "high", "normal", "low"), startedIds());
    }

    @Test
    void aHigherClassForAnotherNodeTakesTheLastProcessSlotFirst() {
        MigrationScheduler scheduler = scheduler(10, 100, 1, 100);
        submit(scheduler, request("running", guid(), "s", "a"));
        submit(scheduler, request("normal-a", guid(), "s", "a"));
        submit(scheduler, request("high-b", guid(), "s", "b", Priority.HIGH));
        complete("running");
        assertEquals(List.of("running", "high-b"), startedIds());
    }

    @Test
    void aLowRequestThatWaitedTwoAgingPeriodsCompetesWithNewHighOnesByArrival() {
        MigrationScheduler scheduler = scheduler(1, 100, 100, 100);
        submit(scheduler, request("running", guid(), "s", "t"));
        submit(scheduler, request("old-low", guid(), "s", "t", Priority.LOW));
        clock.advance(AGING.multipliedBy(2));
        submit(scheduler, request("new-high", guid(), "s", "t", Priority.HIGH));
        complete("running");
        assertEquals(List.of("running", "old-low"), startedIds(), "aged to high, and it arrived first");
    }

    @Test
    void releasesSlotsWhenTheWorkFails() {
        MigrationScheduler scheduler = scheduler(1, 10, 100, 100);
        submit(scheduler, "s", "t");
        submit(scheduler, "s", "t");
        started.get(0).emitter.fail(new IllegalStateException("publishing failed"));
        assertEquals(List.of("r0", "r1"), startedIds());
    }

    @Test
    void answersNodeFullWhenOneTargetHasItsShareQueuedAndStillQueuesForTheOthers() {
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(1, 100, 100, 100, 2, Map.of(), Map.of()), order);
        List<Admission> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slow.add(admission(scheduler, request("s" + i, guid(), "src", "slow")));
        }
        // one runs, two wait: the node's share of the queue; the rest are handed back
        assertEquals(List.of(Admission.QUEUED, Admission.QUEUED, Admission.QUEUED, Admission.NO_ROOM,
                Admission.NO_ROOM), slow);
        assertFalse(scheduler.hasRoomFor("slow"));
        assertTrue(scheduler.hasRoomFor("fast"));
        assertEquals(Admission.QUEUED, admission(scheduler, request("f0", guid(), "src", "fast")));
        assertEquals(List.of("s0", "f0"), startedIds());
        complete("s0");
        assertTrue(scheduler.hasRoomFor("slow"), "a queued request started, freeing one place of the share");
    }

    @Test
    void signalsRoomForANodeWhenOneOfItsQueuedRequestsStarts() {
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(1, 100, 100, 100, 1, Map.of(), Map.of()), order);
        submit(scheduler, "s", "t"); // runs
        submit(scheduler, "s", "t"); // waits: the share is full
        AtomicBoolean room = new AtomicBoolean();
        scheduler.roomFor("t").subscribe().with(ok -> room.set(true));
        AtomicBoolean otherRoom = new AtomicBoolean();
        scheduler.roomFor("other").subscribe().with(ok -> otherRoom.set(true));
        assertFalse(room.get());
        assertTrue(otherRoom.get());
        complete("r0");
        assertTrue(room.get(), "the waiting request started, so a place in the share is free");
    }

    @Test
    void closingStartsNothingMoreAndDrainsWhenTheRunningOnesEnd() {
        MigrationScheduler scheduler = scheduler(1, 10, 100, 100);
        submit(scheduler, "s", "t");
        submit(scheduler, "s", "t");
        AtomicBoolean drained = new AtomicBoolean();
        scheduler.closeAndDrain().subscribe().with(ok -> drained.set(true));
        assertFalse(submit(scheduler, "s", "u").get(), "nothing is accepted once closed");
        assertFalse(drained.get());
        complete("r0");
        assertTrue(drained.get());
        assertEquals(List.of("r0"), startedIds(), "the queued request was dropped, not started");
        assertEquals(0, scheduler.queued());
    }

    @Test
    void dropsTheQueuedRequestsOfRevokedOriginsAndKeepsTheRunningOnes() {
        MigrationScheduler scheduler = scheduler(1, 10, 100, 100);
        List<Integer> dropped = new ArrayList<>();
        for (String id : List.of("run", "keep", "drop")) {
            MigrationRequest request = request(id, guid(), "s", "t");
            scheduler.submit(request, id.equals("drop") || id.equals("run") ? "p-revoked" : "p-kept",
                    () -> Uni.createFrom().emitter(e -> started.add(new Started(request, e)))).subscribe().with(a -> { });
        }
        scheduler.dropQueued(Set.of("p-revoked")).subscribe().with(dropped::add);
        assertEquals(List.of(1), dropped);
        assertEquals(1, scheduler.queued());
        complete("run");
        assertEquals(List.of("run", "keep"), startedIds());
    }

    @Test
    void exposesEachNodesLoadAgainstItsBounds() {
        MigrationScheduler scheduler = new MigrationScheduler(
                new ConcurrencyBounds(2, 3, 100, 100, 100, Map.of("t", 1), Map.of()), order);
        submit(scheduler, "s", "t");
        submit(scheduler, "s", "t");
        NodeLoad target = scheduler.loads().stream().filter(l -> l.node().equals("t")).findFirst().orElseThrow();
        NodeLoad source = scheduler.loads().stream().filter(l -> l.node().equals("s")).findFirst().orElseThrow();
        assertEquals(List.of(1, 1, 1), List.of(target.incoming(), target.queued(), target.maxIncoming()));
        assertEquals(List.of(1, 3), List.of(source.outgoing(), source.maxOutgoing()));
        assertEquals(1, scheduler.inFlight());
        assertEquals(1, scheduler.queued());
    }

    private MigrationScheduler scheduler(int perTarget, int perSource, int maxInFlight, int maxQueued) {
        return new MigrationScheduler(
                new ConcurrencyBounds(perTarget, perSource, maxInFlight, maxQueued, maxQueued, Map.of(), Map.of()), order);
    }

    private AtomicBoolean submit(MigrationScheduler scheduler, String source, String target) {
        return submit(scheduler, request("r" + sequence, guid(), source, target));
    }

    private String guid() {
        return String.format("00000000-0000-0000-0000-%012d", sequence++);
    }

    private AtomicBoolean submit(MigrationScheduler scheduler, MigrationRequest request) {
        AtomicBoolean accepted = new AtomicBoolean();
        scheduler.submit(request, "p-" + (request.requestId().hashCode() & 1), () -> Uni.createFrom().emitter(e -> started.add(new Started(request, e))))
                .subscribe().with(admission -> accepted.set(admission == Admission.QUEUED));
        return accepted;
    }

    private Admission admission(MigrationScheduler scheduler, MigrationRequest request) {
        List<Admission> answer = new ArrayList<>();
        scheduler.submit(request, "p-" + (request.requestId().hashCode() & 1), () -> Uni.createFrom().emitter(e -> started.add(new Started(request, e))))
                .subscribe().with(answer::add);
        return answer.get(0);
    }

    private static MigrationRequest request(String id, String container, String source, String target) {
        return request(id, container, source, target, Priority.NORMAL);
    }

    private static MigrationRequest request(String id, String container, String source, String target,
            Priority priority) {
        return new MigrationRequest(id, container, source, target, 0, MigrationOptions.NONE, null, null, null,
                priority, Instant.EPOCH);
    }

    private AtomicReference<Admission> answer(MigrationScheduler scheduler, MigrationRequest request) {
        AtomicReference<Admission> answer = new AtomicReference<>();
        scheduler.submit(request, "p", () -> Uni.createFrom().emitter(e -> started.add(new Started(request, e))))
                .subscribe().with(answer::set);
        return answer;
    }

    private List<String> startedIds() {
        return started.stream().map(s -> s.request.requestId()).toList();
    }

    private void complete(String requestId) {
        started.stream().filter(s -> s.request.requestId().equals(requestId)).findFirst().orElseThrow()
                .emitter.complete(null);
    }

    private void completeAllFor(String target) {
        for (int i = 0; i < started.size(); i++) {
            if (started.get(i).request.targetNode().equals(target)) {
                started.get(i).emitter.complete(null);
            }
        }
    }

    private record Started(MigrationRequest request, UniEmitter<? super Void> emitter) {
    }
}
