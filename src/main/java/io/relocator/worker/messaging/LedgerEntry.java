package io.relocator.worker.messaging;

import io.relocator.worker.domain.MigrationRequest;

/**
 * What the scheduler's state topic says of one request (key {@code r:<requestId>}): waiting for its slots, granted them
 * (with the grant's epoch), or ending without a migration (expired while waiting, say: the owner of its partition
 * writes its terminal event). A request whose slots were released has no entry (its key is a tombstone).
 *
 * @param partition the partition of the requests topic it was read from: the worker owning that partition runs it
 * @param epoch     of the grant (or of the decision to end it); 0 while waiting. A release names it, so a stale one
 *                  (from before a failover or a repeat) frees nothing
 * @param reason    why it ends, for {@link State#ENDING}: an error code of the contract; for {@link State#GRANTED},
 *                  {@value #CANCEL_REQUESTED} when a cancel (or its {@code completeBy}) asks its run to stop; otherwise
 *                  null
 */
public record LedgerEntry(State state, MigrationRequest request, int partition, long epoch, String reason) {

    public enum State {
        WAITING, GRANTED, ENDING
    }

    static final String CANCEL_REQUESTED = "CANCELLED";

    static LedgerEntry waiting(MigrationRequest request, int partition) {
        return new LedgerEntry(State.WAITING, request, partition, 0, null);
    }

    static LedgerEntry granted(MigrationRequest request, int partition, long epoch) {
        return new LedgerEntry(State.GRANTED, request, partition, epoch, null);
    }

    static LedgerEntry ending(MigrationRequest request, int partition, long epoch, String reason) {
        return new LedgerEntry(State.ENDING, request, partition, epoch, reason);
    }

    /** The same grant (same epoch, same slots), asked to stop: its executor cancels its run. */
    LedgerEntry cancelRequested() {
        return new LedgerEntry(State.GRANTED, request, partition, epoch, CANCEL_REQUESTED);
    }

    /** A grant whose run a cancel asks to stop. */
    boolean isCancelRequested() {
        return state == State.GRANTED && CANCEL_REQUESTED.equals(reason);
    }

    public String requestId() {
        return request.requestId();
    }

    /** Granted or ending: the owner of its partition has something to do. */
    public boolean actionable() {
        return state != State.WAITING;
    }
}
