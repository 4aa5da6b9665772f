package io.relocator.worker.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The decision core of the fleet-wide scheduler: every request waiting anywhere in the fleet and every grant held,
 * and which waiting requests may be granted now. The one elected scheduler process feeds it what it reads (WANT and
 * RELEASE records, and on entry the state topic's grants) and writes the grants it answers; since it alone decides,
 * its counts are the fleet's:
 * <ul>
 * <li>at most {@link ConcurrencyBounds#incoming} grants into a target node, {@link ConcurrencyBounds#outgoing} out
 * of a source node and, when set, {@code clusterMax} in the whole fleet; a grant holds its slots until its RELEASE
 * with the grant's epoch (a stale epoch frees nothing);</li>
 * <li>one grant per container (its id compared case-insensitively), in arrival order: only the first waiting request
 * of a container may be granted ({@link ContainerLines});</li>
 * <li>a higher {@link Priority} first ({@link PriorityOrder}, with aging); within one class, grants go round-robin
 * over the target nodes (those never served first, in arrival order, then the one served longest ago), oldest
 * request first within a target, so a saturated target never holds back requests for the others.</li>
 * <li>an operator's {@link NodeControl} of a node (applied by {@link #control}) pauses its incoming or outgoing
 * direction (nothing new is granted there; grants held run on) or replaces its two bounds until reset.</li>
 * </ul>
 * The per-process bounds of {@link ConcurrencyBounds} ({@code maxInFlight}, {@code maxQueued},
 * {@code maxQueuedPerNode}) are not the ledger's: the executors apply them. Not thread-safe: every method runs on
 * the scheduler's one thread; only the {@link NodeLoad} values may be read from any thread.
 */
public final class FleetLedger {

    private final ConcurrencyBounds bounds;
    private final int clusterMax;
    private final PriorityOrder order;
    private final Predicate<WaitingRequest> grantable = this::isGrantable;

    private final Map<String, NodeLoad> loads = new HashMap<>();
    private final Map<String, TargetQueue> targets = new HashMap<>();
    private final Map<String, WaitingRequest> waiting = new LinkedHashMap<>();
    private final Map<String, Grant> granted = new HashMap<>();
    private final ContainerLines containers = new ContainerLines();
    /** Orders arrivals of requests and of targets, and the targets' turns. */
    private long sequence;
    /** Numbers the calls of {@link #grant}: a target's scan starts at its first turn of a call ({@link TargetQueue}). */
    private long scans;

    /** @param clusterMax at most this many grants in the whole fleet; at least 1 when present */
    public FleetLedger(ConcurrencyBounds bounds, OptionalInt clusterMax, PriorityOrder order) {
        if (clusterMax.isPresent() && clusterMax.getAsInt() < 1) {
            throw new IllegalArgumentException("cluster-max must be at least 1, was " + clusterMax.getAsInt());
        }
        this.bounds = bounds;
        this.clusterMax = clusterMax.orElse(Integer.MAX_VALUE);
        this.order = order;
    }

    /**
     * Adds a waiting request. False (and nothing changes) when its requestId is already waiting or granted.
     *
     * @param waitingSince when it started waiting: its age for {@link PriorityOrder} and its place among the
     *                     requests of its target and class (a rebuild passes the time the request first waited)
     */
    public boolean want(MigrationRequest request, Instant waitingSince) {
        String requestId = request.requestId();
        if (waiting.containsKey(requestId) || granted.containsKey(requestId)) {
            return false;
        }
        WaitingRequest entry = new WaitingRequest(request, waitingSince, sequence++, load(request.sourceNode()));
        waiting.put(requestId, entry);
        targetQueue(request.targetNode()).add(entry);
        containers.append(entry);
        load(request.targetNode()).queued++;
        return true;
    }

    /**
     * Rebuild: a grant read back from the state topic; counted at once, without checking bounds (it already holds
     * its slots). A request already waiting with that id is moved to granted; one already granted takes this epoch.
     */
    public void restoreGrant(MigrationRequest request, long epoch) {
        WaitingRequest entry = waiting.get(request.requestId());
        if (entry != null) {
            forget(entry);
        }
        Grant previous = granted.put(request.requestId(), new Grant(request, epoch));
        if (previous != null) {
            free(previous.request());
        }
        hold(request);
    }

    /**
     * Frees the grant's slots when requestId is granted with exactly this epoch; false otherwise (unknown, waiting,
     * or stale epoch: ignored, since only the run of the current grant may free what it holds).
     */
    public boolean release(String requestId, long epoch) {
        Grant grant = granted.get(requestId);
        if (grant == null || grant.epoch() != epoch) {
            return false;
        }
        granted.remove(requestId);
        free(grant.request());
        return true;
    }

    /** Removes a waiting (not granted) request, e.g. expired or cancelled; empty when it is not waiting. */
    public Optional<MigrationRequest> dropWaiting(String requestId) {
        WaitingRequest entry = waiting.get(requestId);
        if (entry == null) {
            return Optional.empty();
        }
        forget(entry);
        return Optional.of(entry.request);
    }

    /** What a cancel did to the request it names ({@link #cancel}). */
    public enum Cancelled {
        /** It was waiting: removed, never to be granted; it ends CANCELLED without a migration. */
        WAITING_DROPPED,
        /** It is granted: it keeps its slots until its RELEASE, and its run is to be stopped. */
        GRANTED,
        /** It is neither waiting nor granted here (ended, or ending without a migration): nothing changes. */
        NOT_HELD
    }

    /**
     * A cancel of {@code requestId}: a waiting request leaves the ledger (the next of its container and its target
     * may then be granted); a granted one keeps its slots until its run ends and releases them.
     */
    public Cancelled cancel(String requestId) {
        if (dropWaiting(requestId).isPresent()) {
            return Cancelled.WAITING_DROPPED;
        }
        return granted.containsKey(requestId) ? Cancelled.GRANTED : Cancelled.NOT_HELD;
    }

    /** Waiting requests whose notAfter is before now ({@link MigrationRequest#expiredAt}), in arrival order; not removed. */
    public List<MigrationRequest> expiredWaiting(Instant now) {
        List<MigrationRequest> expired = new ArrayList<>();
        for (WaitingRequest entry : waiting.values()) {
            if (entry.request.expiredAt(now)) {
                expired.add(entry.request);
            }
        }
        return expired;
    }

    /** Waiting requests whose completeBy is before now ({@link MigrationRequest#completeByPassedAt}); not removed. */
    public List<MigrationRequest> pastCompleteBy(Instant now) {
        List<MigrationRequest> overdue = new ArrayList<>();
        for (WaitingRequest entry : waiting.values()) {
            if (entry.request.completeByPassedAt(now)) {
                overdue.add(entry.request);
            }
        }
        return overdue;
    }

    /**
     * Grants what the bounds allow now, in the order of the class comment; each grant's epoch comes from
     * {@code nextEpoch}, and the ledger counts it as granted at once. Each round offers one grant to every target
     * that has a grantable request: targets whose best such request is of a higher class first, and among equals in
     * turn order; rounds repeat until one grants nothing.
     */
    public List<Grant> grant(LongSupplier nextEpoch) {
        List<Grant> grants = new ArrayList<>();
        long scan = ++scans;
        boolean grantedOne = true;
        while (grantedOne && granted.size() < clusterMax) {
            grantedOne = false;
            for (TargetQueue target : turns(scan)) {
                if (granted.size() >= clusterMax) {
                    break;
                }
                WaitingRequest next = target.best(grantable, order); // an earlier turn may have filled its source
                if (next != null) {
                    grants.add(take(next, nextEpoch.getAsLong()));
                    target.served(sequence++);
                    grantedOne = true;
                }
            }
        }
        return grants;
    }

    /**
     * Applies an operator's command to its node (the node need not have been seen yet); answers the node's control
     * after it. Grants already held are never taken back: a lowered bound or a pause only stops new grants.
     */
    public NodeControl control(NodeCommand command) {
        NodeLoad load = load(command.node());
        load.control = command.applyTo(load.control);
        return load.control;
    }

    /** Rebuild: a node's control read back from the state topic. */
    public void restoreControl(NodeControl control) {
        load(control.node()).control = control;
    }

    /** Requests waiting, all nodes together. */
    public int waiting() {
        return waiting.size();
    }

    /** Grants held, fleet-wide. */
    public int granted() {
        return granted.size();
    }

    /** The epoch of a granted request; empty when it is not granted. */
    public OptionalLong epochOf(String requestId) {
        Grant grant = granted.get(requestId);
        return grant == null ? OptionalLong.empty() : OptionalLong.of(grant.epoch());
    }

    public boolean isWaiting(String requestId) {
        return waiting.containsKey(requestId);
    }

    /** Every node's load; {@link NodeLoad#queued} counts the requests waiting for it. */
    public Collection<NodeLoad> loads() {
        return Collections.unmodifiableCollection(loads.values());
    }

    /** One node's load, created (all zero) on first mention. */
    public NodeLoad loadOf(String node) {
        return load(node);
    }

    /**
     * The targets that could receive a grant this round, in the order they take their turns. Only these are scanned,
     * so only these start their scan of this call: a full target costs two checks, not a scan reset.
     */
    private List<TargetQueue> turns(long scan) {
        List<Turn> turns = new ArrayList<>();
        for (TargetQueue target : targets.values()) {
            if (target.load.queued > 0 && target.load.canReceive()) {
                target.startScan(scan);
                WaitingRequest best = target.best(grantable, order);
                if (best != null) {
                    turns.add(new Turn(target, order.rank(best.request.priority(), best.waitingSince)));
                }
            }
        }
        turns.sort(Comparator.comparingInt(Turn::rank).thenComparing(Turn::target, TargetQueue.turnOrder()));
        return turns.stream().map(Turn::target).toList();
    }

    private boolean isGrantable(WaitingRequest entry) {
        return entry.sourceLoad.canSend() && containers.isNext(entry);
    }

    private Grant take(WaitingRequest entry, long epoch) {
        forget(entry);
        Grant grant = new Grant(entry.request, epoch);
        granted.put(entry.request.requestId(), grant);
        hold(entry.request);
        return grant;
    }

    private void forget(WaitingRequest entry) {
        MigrationRequest request = entry.request;
        waiting.remove(request.requestId());
        targets.get(request.targetNode()).remove(entry);
        containers.remove(entry);
        load(request.targetNode()).queued--;
    }

    private void hold(MigrationRequest request) {
        load(request.targetNode()).incoming++;
        load(request.sourceNode()).outgoing++;
        containers.hold(WaitingRequest.containerKey(request));
    }

    private void free(MigrationRequest request) {
        load(request.targetNode()).incoming--;
        load(request.sourceNode()).outgoing--;
        containers.free(WaitingRequest.containerKey(request));
    }

    private TargetQueue targetQueue(String node) {
        TargetQueue target = targets.get(node);
        if (target == null) { // targets stay once seen, keeping their turn: the inventory bounds them
            target = new TargetQueue(load(node), sequence++);
            targets.put(node, target);
        }
        return target;
    }

    private NodeLoad load(String node) {
        NodeLoad load = loads.get(node);
        if (load == null) {
            load = new NodeLoad(node, bounds.incoming(node), bounds.outgoing(node));
            loads.put(node, load);
        }
        return load;
    }

    /** A grant: the request and the epoch that only its RELEASE may carry. */
    public record Grant(MigrationRequest request, long epoch) {
    }

    private record Turn(TargetQueue target, int rank) {
    }
}
