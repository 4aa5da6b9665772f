package io.relocator.worker.domain;

import java.time.Instant;
import java.util.Locale;

/**
 * One request waiting in the {@link FleetLedger}: one small object per request, since the ledger holds every waiting
 * request of the fleet (100,000 of them in an evacuation). It carries its own links in its target's line for its
 * class ({@link TargetQueue}) and in its container's line ({@link ContainerLines}), so that neither needs a
 * collection per request. Touched only on the scheduler's thread.
 */
final class WaitingRequest {

    final MigrationRequest request;
    final Instant waitingSince;
    /** The ledger's arrival number: the order among requests that have waited equally long, and per container. */
    final long arrival;
    /** The container id in lower case: containers are compared case-insensitively. */
    final String containerKey;
    /** The source node's load, looked up once: checked for every request a grant scan passes. */
    final NodeLoad sourceLoad;

    WaitingRequest earlier;
    WaitingRequest later;
    WaitingRequest previousOfContainer;
    WaitingRequest nextOfContainer;

    WaitingRequest(MigrationRequest request, Instant waitingSince, long arrival, NodeLoad sourceLoad) {
        this.request = request;
        this.waitingSince = waitingSince;
        this.arrival = arrival;
        this.containerKey = containerKey(request);
        this.sourceLoad = sourceLoad;
    }

    /** Whether this one has waited longer, or as long and arrived first. */
    boolean isOlderThan(WaitingRequest other) {
        int since = waitingSince.compareTo(other.waitingSince);
        return since < 0 || since == 0 && arrival < other.arrival;
    }

    static String containerKey(MigrationRequest request) {
        return request.containerId().toLowerCase(Locale.ROOT);
    }
}
