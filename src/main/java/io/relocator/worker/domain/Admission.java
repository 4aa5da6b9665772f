package io.relocator.worker.domain;

/** What the scheduler did with a submitted request. */
public enum Admission {
    /** Queued here; the work runs when the request's slots are free. */
    QUEUED,
    /**
     * Not taken: the target node's share of the local queue is full, or the whole queue is and the request cannot
     * start at once. The caller hands the request off durably and offers it again later, so saturated nodes never fill
     * the memory, nor hold back the reading, that the other nodes' requests need.
     */
    NO_ROOM
}
