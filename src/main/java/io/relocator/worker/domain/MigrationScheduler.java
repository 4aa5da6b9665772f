package io.relocator.worker.domain;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Decides when each accepted request may start, and enforces every concurrency bound in one place:
 * <ul>
 * <li>at most {@link ConcurrencyBounds#incoming} migrations into a target node, {@link ConcurrencyBounds#outgoing}
 * out of a source node and {@code maxInFlight} in the process; a slot is held until the task's Uni ends, which is
 * after the Agent call really finished;</li>
 * <li>one migration per container at a time, in arrival order;</li>
 * <li>a higher {@link Priority} starts first ({@link PriorityOrder}, with aging); within one class, free capacity
 * goes round-robin over the target nodes that have waiting work (the node served longest ago first), oldest request
 * first within a node, so a saturated node never holds back requests for the others;</li>
 * <li>at most {@code maxQueuedPerNode} requests wait here for one target node: past it {@link #submit} answers
 * {@link Admission#NO_ROOM} and the caller hands the request off durably, so a slow node's backlog never takes the
 * room the other nodes need;</li>
 * <li>at most {@code maxQueued} requests wait here in all. When that is full, a request that can start at once is
 * still taken (and starts), any other is answered {@link Admission#NO_ROOM}: however many nodes are saturated (an
 * evacuation), a request for a free node is never held behind them. Only while the process runs {@code maxInFlight}
 * migrations, when nothing could start anyway, does {@link #submit} wait for room, which is how the Kafka consumer
 * is slowed down (its own back-pressure pauses the partitions).</li>
 * </ul>
 * All state changes run on one {@link SerialContext}; callers may submit and complete from any thread.
 */
public final class MigrationScheduler {

    private static final Logger LOG = Logger.getLogger(MigrationScheduler.class);

    private final ConcurrencyBounds bounds;
    private final PriorityOrder order;
    private final SerialContext context = new SerialContext();

    private final Map<String, NodeLoad> loads = new ConcurrentHashMap<>();
    private final Map<String, Deque<Pending>> queuedByTarget = new HashMap<>();
    /** Targets never served yet, in arrival order, then the others, least recently served first: the turn order. */
    private final Set<String> neverServed = new LinkedHashSet<>();
    private final Set<String> servedLongestAgo = new LinkedHashSet<>();
    private final Map<String, Deque<Pending>> queuedByContainer = new HashMap<>();
    private final Set<String> runningContainers = new HashSet<>();
    private final Deque<Runnable> waitingForRoom = new ArrayDeque<>();
    private final Map<String, Set<UniEmitter<? super Void>>> waitingForNodeRoom = new HashMap<>();
    private final java.util.List<UniEmitter<? super Void>> waitingForDrain = new ArrayList<>();
    private volatile int queued;
    private volatile int inFlight;
    private boolean closed;

    public MigrationScheduler(ConcurrencyBounds bounds, PriorityOrder order) {
        this.bounds = bounds;
        this.order = order;
    }

    /**
     * Offers a request. The Uni completes once it is queued here, or at once with {@link Admission#NO_ROOM} (see the
     * class comment); it waits only while the process runs {@code maxInFlight} migrations and the queue is full.
     * Callable from any thread; the Uni completes on the scheduler's serial context.
     *
     * @param origin where the request came from (a topic partition), so that {@link #dropQueued} can find it
     * @param work   runs the request to its end once it holds its slots; they are released when its Uni terminates
     */
    public Uni<Admission> submit(MigrationRequest request, String origin, Supplier<Uni<Void>> work) {
        Pending pending = new Pending(request, origin, work, order.now());
        return Uni.createFrom().emitter(answer -> context.execute(() -> {
            if (closed) {
                return; // never accepted: the record stays unacknowledged and is delivered again
            }
            Runnable admit = () -> answer.complete(admit(pending));
            if (waitingForRoom.isEmpty() && !mustWait()) {
                admit.run();
                settle();
            } else {
                waitingForRoom.add(admit);
            }
        }));
    }

    /**
     * Offers again a request that ended an attempt and must try once more: it is queued as soon as its target node's
     * share of the queue has room, never answered {@link Admission#NO_ROOM} (a hand-off would lose its history) nor
     * held back by the process-wide queue bound (at most {@code maxInFlight} requests are between attempts at once).
     * Callable from any thread; the Uni completes on the scheduler's serial context, and never when closed.
     */
    public Uni<Void> resubmit(MigrationRequest request, String origin, Supplier<Uni<Void>> work) {
        Pending pending = new Pending(request, origin, work, order.now());
        return roomFor(request.targetNode()).chain(() -> Uni.createFrom().<Void> emitter(queued -> context.execute(() -> {
            if (closed) {
                return;
            }
            if (load(request.targetNode()).queued >= bounds.maxQueuedPerNode()) { // taken by another meanwhile
                resubmit(request, origin, work).subscribe().with(queued::complete, queued::fail);
                return;
            }
            enqueue(pending);
            queued.complete(null);
            settle();
        })));
    }

    /**
     * Stops: nothing more is accepted or started, and what waits here is dropped (its records are not acknowledged,
     * so they are delivered again after the restart). The Uni completes when the last running migration has ended.
     */
    public Uni<Void> closeAndDrain() {
        return Uni.createFrom().emitter(drained -> context.execute(() -> {
            closed = true;
            queuedByTarget.clear();
            queuedByContainer.clear();
            waitingForRoom.clear();
            loads.values().forEach(load -> load.queued = 0);
            queued = 0;
            if (inFlight == 0) {
                drained.complete(null);
            } else {
                waitingForDrain.add(drained);
            }
        }));
    }

    /**
     * Drops the queued (not started) requests that came from these origins: after a rebalance their partitions' new
     * owner reads them again, so they must never start here too. Running ones are left to finish.
     */
    public Uni<Integer> dropQueued(Set<String> origins) {
        return Uni.createFrom().emitter(dropped -> context.execute(() -> {
            int count = 0;
            for (Iterator<Deque<Pending>> queues = queuedByTarget.values().iterator(); queues.hasNext();) {
                Deque<Pending> queue = queues.next();
                for (Iterator<Pending> it = queue.iterator(); it.hasNext();) {
                    Pending pending = it.next();
                    if (origins.contains(pending.origin())) {
                        it.remove();
                        forget(pending);
                        count++;
                    }
                }
                if (queue.isEmpty()) {
                    queues.remove();
                }
            }
            dropped.complete(count);
            settle();
        }));
    }

    private void forget(Pending pending) {
        String container = containerKey(pending.request());
        Deque<Pending> sameContainer = queuedByContainer.get(container);
        sameContainer.remove(pending);
        if (sameContainer.isEmpty()) {
            queuedByContainer.remove(container);
        }
        load(pending.request().targetNode()).queued--;
        queued--;
    }

    /** Whether a request for this target would be queued now rather than answered {@link Admission#NO_ROOM}. */
    public boolean hasRoomFor(String target) {
        NodeLoad load = loads.get(target);
        return load == null || load.queued < bounds.maxQueuedPerNode();
    }

    /** Completes as soon as a request for this target would be queued rather than answered {@link Admission#NO_ROOM}. */
    public Uni<Void> roomFor(String target) {
        return Uni.createFrom().emitter(room -> context.execute(() -> {
            if (hasRoomFor(target)) {
                room.complete(null);
                return;
            }
            Set<UniEmitter<? super Void>> waiters = waitingForNodeRoom.computeIfAbsent(target, t -> new HashSet<>());
            waiters.add(room);
            room.onTermination(() -> context.execute(() -> waiters.remove(room)));
        }));
    }

    /** Every node's load; live views, safe to read from any thread. */
    public Collection<NodeLoad> loads() {
        return loads.values();
    }

    /** One node's load, created (all zero) on first mention; a live view, safe to read from any thread. */
    public NodeLoad loadOf(String node) {
        return load(node);
    }

    /** Requests waiting locally, all nodes together. */
    public int queued() {
        return queued;
    }

    /** Migrations running in this process. */
    public int inFlight() {
        return inFlight;
    }

    /** Nothing could start even with room in the queue: the only case in which a submitter waits. */
    private boolean mustWait() {
        return queued >= bounds.maxQueued() && inFlight >= bounds.maxInFlight();
    }

    private Admission admit(Pending pending) {
        NodeLoad target = load(pending.request().targetNode());
        if (target.queued >= bounds.maxQueuedPerNode()) {
            return Admission.NO_ROOM;
        }
        if (queued >= bounds.maxQueued() && !canStartNow(pending.request())) {
            return Admission.NO_ROOM;
        }
        enqueue(pending);
        return Admission.QUEUED;
    }

    /** Whether the request would start at once if it were queued: every bound has room and its container is free. */
    private boolean canStartNow(MigrationRequest request) {
        return inFlight < bounds.maxInFlight() && load(request.targetNode()).canReceive()
                && load(request.sourceNode()).canSend() && !runningContainers.contains(containerKey(request))
                && !queuedByContainer.containsKey(containerKey(request));
    }

    private void enqueue(Pending pending) {
        NodeLoad target = load(pending.request().targetNode());
        queued++;
        target.queued++;
        queuedByTarget.computeIfAbsent(target.node(), t -> {
            if (!servedLongestAgo.contains(t)) {
                neverServed.add(t); // targets stay in the turn order once seen: the inventory bounds them
            }
            return new ArrayDeque<>();
        }).addLast(pending);
        queuedByContainer.computeIfAbsent(containerKey(pending.request()), c -> new ArrayDeque<>()).addLast(pending);
    }

    /**
     * Starts what the bounds allow. Each round offers one start to every target with waiting work: targets whose best
     * waiting request is of a higher class first, and among equals the one served longest ago first; rounds repeat
     * until one starts nothing.
     */
    private void dispatch() {
        boolean started = !closed;
        while (started && inFlight < bounds.maxInFlight()) {
            started = false;
            List<String> turns = new ArrayList<>(neverServed);
            turns.addAll(servedLongestAgo);
            Map<String, Integer> best = new HashMap<>();
            turns.forEach(target -> best.put(target, bestRank(target)));
            turns.sort(Comparator.comparing(best::get)); // stable: equals keep the round-robin order
            for (String target : turns) {
                if (inFlight >= bounds.maxInFlight()) {
                    break;
                }
                Pending next = takeStartable(target);
                if (next != null) {
                    start(next);
                    neverServed.remove(target);
                    servedLongestAgo.remove(target);
                    servedLongestAgo.add(target);
                    started = true;
                }
            }
        }
    }

    /** The best class among this target's waiting requests that could start now; {@code MAX_VALUE} when none. */
    private int bestRank(String target) {
        Deque<Pending> waiting = queuedByTarget.get(target);
        int best = Integer.MAX_VALUE;
        if (waiting != null && load(target).canReceive()) {
            for (Pending candidate : waiting) {
                if (isStartable(candidate)) {
                    best = Math.min(best, rank(candidate));
                }
            }
        }
        return best;
    }

    /**
     * The request for this target, of the best class and the oldest within it, whose source has room and whose
     * container is free and next in line.
     */
    private Pending takeStartable(String target) {
        Deque<Pending> waiting = queuedByTarget.get(target);
        if (waiting == null || !load(target).canReceive()) {
            return null;
        }
        Pending chosen = null;
        for (Pending candidate : waiting) { // in arrival order: the first of the best class wins
            if (isStartable(candidate) && (chosen == null || rank(candidate) < rank(chosen))) {
                chosen = candidate;
            }
        }
        if (chosen != null) {
            waiting.remove(chosen);
            if (waiting.isEmpty()) {
                queuedByTarget.remove(target);
            }
        }
        return chosen;
    }

    private boolean isStartable(Pending candidate) {
        return load(candidate.request().sourceNode()).canSend() && isContainerNext(candidate);
    }

    private int rank(Pending pending) {
        return order.rank(pending.request().priority(), pending.waitingSince());
    }

    private boolean isContainerNext(Pending candidate) {
        String container = containerKey(candidate.request());
        return !runningContainers.contains(container) && queuedByContainer.get(container).peekFirst() == candidate;
    }

    private void start(Pending pending) {
        MigrationRequest request = pending.request();
        String container = containerKey(request);
        Deque<Pending> sameContainer = queuedByContainer.get(container);
        sameContainer.pollFirst();
        if (sameContainer.isEmpty()) {
            queuedByContainer.remove(container);
        }
        runningContainers.add(container);
        NodeLoad target = load(request.targetNode());
        target.queued--;
        target.incoming++;
        Set<UniEmitter<? super Void>> waiters = waitingForNodeRoom.remove(target.node());
        if (waiters != null) {
            waiters.forEach(room -> room.complete(null));
        }
        load(request.sourceNode()).outgoing++;
        inFlight++;
        queued--;
        Uni.createFrom().<Void> deferred(() -> pending.work().get())
                .subscribe().with(
                        done -> context.execute(() -> finish(request)),
                        failure -> {
                            LOG.errorf(failure, "Migration of request %s ended with a failure", request.requestId());
                            context.execute(() -> finish(request));
                        });
    }

    private void finish(MigrationRequest request) {
        runningContainers.remove(containerKey(request));
        load(request.targetNode()).incoming--;
        load(request.sourceNode()).outgoing--;
        inFlight--;
        if (closed && inFlight == 0) {
            waitingForDrain.forEach(drained -> drained.complete(null));
        }
        settle();
    }

    /** Starts what may start, then lets waiting submitters in as room frees, starting their requests too. */
    private void settle() {
        dispatch();
        while (!waitingForRoom.isEmpty() && !mustWait()) {
            waitingForRoom.pollFirst().run();
            dispatch();
        }
    }

    private NodeLoad load(String node) {
        return loads.computeIfAbsent(node,
                n -> new NodeLoad(n, bounds.incoming(n), bounds.outgoing(n)));
    }

    private static String containerKey(MigrationRequest request) {
        return request.containerId().toLowerCase(Locale.ROOT);
    }

    /** An accepted request, the work that runs it, and since when it waits here. */
    private record Pending(MigrationRequest request, String origin, Supplier<Uni<Void>> work, Instant waitingSince) {
    }
}
