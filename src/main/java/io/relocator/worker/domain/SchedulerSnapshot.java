package io.relocator.worker.domain;

import java.util.Map;

/** The scheduler's counters at one instant: what waits, what runs, per node. */
public record SchedulerSnapshot(int queued, int inFlight, Map<String, Integer> incoming, Map<String, Integer> outgoing,
        Map<String, Integer> queuedPerTarget) {
}
