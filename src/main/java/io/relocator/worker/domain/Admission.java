package io.relocator.worker.domain;

/** What the scheduler did with a submitted request. */
public enum Admission {
    /** Queued here; the work runs when the request's slots are free. */
    QUEUED,
    /**
     * Not taken: the target node's share of the local queue is full. The caller hands the request off durably and
     * offers it again later, so one saturated node never fills the memory that the other nodes' requests need.
     */
    NODE_FULL
}
