package io.relocator.worker.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@link FleetLedger}'s rule of one migration per container, in arrival order: for each container (its id
 * compared case-insensitively) the line of its waiting requests and how many grants it holds. A request may be
 * granted only when it is first in its container's line and the container holds no grant, so a later request of a
 * container never overtakes an earlier one, even when only the later one's nodes have room. The lines are linked
 * through the requests themselves, so a container costs one map entry whatever its line's length. Touched only on
 * the scheduler's thread.
 */
final class ContainerLines {

    private final Map<String, WaitingRequest> lastWaiting = new HashMap<>();
    /** A count rather than a flag: rebuilt grants are taken as they are read, without any check. */
    private final Map<String, Integer> grants = new HashMap<>();

    void append(WaitingRequest waiting) {
        WaitingRequest last = lastWaiting.put(waiting.containerKey, waiting);
        if (last != null) {
            last.nextOfContainer = waiting;
            waiting.previousOfContainer = last;
        }
    }

    void remove(WaitingRequest waiting) {
        WaitingRequest previous = waiting.previousOfContainer;
        WaitingRequest next = waiting.nextOfContainer;
        if (previous != null) {
            previous.nextOfContainer = next;
        }
        if (next != null) {
            next.previousOfContainer = previous;
        } else if (previous != null) {
            lastWaiting.put(waiting.containerKey, previous);
        } else {
            lastWaiting.remove(waiting.containerKey);
        }
        waiting.previousOfContainer = null;
        waiting.nextOfContainer = null;
    }

    /** Whether this request is first in its container's line and its container holds no grant. */
    boolean isNext(WaitingRequest waiting) {
        return waiting.previousOfContainer == null && !grants.containsKey(waiting.containerKey);
    }

    void hold(String containerKey) {
        grants.merge(containerKey, 1, Integer::sum);
    }

    void free(String containerKey) {
        grants.computeIfPresent(containerKey, (key, count) -> count == 1 ? null : count - 1);
    }
}
