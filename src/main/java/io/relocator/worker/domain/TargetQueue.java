package io.relocator.worker.domain;

import java.util.Comparator;
import java.util.function.Predicate;

/**
 * The requests waiting for one target node in the {@link FleetLedger}: one line per {@link Priority}, each ordered
 * oldest first (earliest {@code waitingSince}, then arrival), and the target's place in the round-robin.
 * <p>
 * Within one line the oldest waiting request always has the best rank ({@link PriorityOrder} ages a class by
 * waiting time alone), so the best request of the target that could be granted is the first grantable one of some
 * line. During one {@link FleetLedger#grant} nothing becomes grantable that was not (grants only take slots), so a
 * scan cursor per line skips each request that cannot be granted once per call instead of once per round: a long
 * backlog from saturated sources costs one pass, not one pass per grant. Touched only on the scheduler's thread.
 */
final class TargetQueue {

    private static final int CLASSES = Priority.values().length;

    final NodeLoad load;
    private final WaitingRequest[] first = new WaitingRequest[CLASSES];
    private final WaitingRequest[] last = new WaitingRequest[CLASSES];
    private final WaitingRequest[] cursor = new WaitingRequest[CLASSES];
    /** Never served targets take turns in arrival order, before the served ones, which go served longest ago first. */
    private boolean served;
    private long turn;
    /** The {@link FleetLedger#grant} call whose scan the cursors belong to. */
    private long scanned = -1;

    TargetQueue(NodeLoad load, long arrival) {
        this.load = load;
        this.turn = arrival;
    }

    /** Puts the request after every one of its class that has waited as long or longer: at the end, but for rebuilds. */
    void add(WaitingRequest waiting) {
        int line = waiting.request.priority().ordinal();
        WaitingRequest before = last[line];
        while (before != null && before.waitingSince.isAfter(waiting.waitingSince)) {
            before = before.earlier;
        }
        WaitingRequest after = before == null ? first[line] : before.later;
        waiting.earlier = before;
        waiting.later = after;
        if (before == null) {
            first[line] = waiting;
        } else {
            before.later = waiting;
        }
        if (after == null) {
            last[line] = waiting;
        } else {
            after.earlier = waiting;
        }
    }

    void remove(WaitingRequest waiting) {
        int line = waiting.request.priority().ordinal();
        if (cursor[line] == waiting) {
            cursor[line] = waiting.later;
        }
        if (waiting.earlier == null) {
            first[line] = waiting.later;
        } else {
            waiting.earlier.later = waiting.later;
        }
        if (waiting.later == null) {
            last[line] = waiting.earlier;
        } else {
            waiting.later.earlier = waiting.earlier;
        }
        waiting.earlier = null;
        waiting.later = null;
    }

    /**
     * Starts this target's scan of one {@link FleetLedger#grant} call (numbered {@code scan}): every line is scanned
     * from its oldest request again. Only the first call with a given number resets the cursors; a target not
     * scanned in a call keeps stale cursors, which it never reads before its next reset.
     */
    void startScan(long scan) {
        if (scanned != scan) {
            System.arraycopy(first, 0, cursor, 0, CLASSES);
            scanned = scan;
        }
    }

    /**
     * The grantable request of the best rank, the oldest among equals; null when none. Skips for the rest of the
     * current scan the requests that {@code grantable} refuses, which only holds while grants are all that happen.
     */
    WaitingRequest best(Predicate<WaitingRequest> grantable, PriorityOrder order) {
        WaitingRequest best = null;
        int bestRank = Integer.MAX_VALUE;
        for (int line = 0; line < CLASSES; line++) {
            WaitingRequest candidate = cursor[line];
            while (candidate != null && !grantable.test(candidate)) {
                candidate = candidate.later;
            }
            cursor[line] = candidate;
            if (candidate != null) {
                int rank = order.rank(candidate.request.priority(), candidate.waitingSince);
                if (rank < bestRank || rank == bestRank && candidate.isOlderThan(best)) {
                    best = candidate;
                    bestRank = rank;
                }
            }
        }
        return best;
    }

    void served(long now) {
        served = true;
        turn = now;
    }

    /** The round-robin among targets whose best requests rank equally. */
    static Comparator<TargetQueue> turnOrder() {
        return Comparator.<TargetQueue, Boolean> comparing(target -> target.served)
                .thenComparingLong(target -> target.turn);
    }
}
