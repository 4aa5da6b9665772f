package io.relocator.worker.domain;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * Where one request's MigrationEvents go. Each Uni completes when what it writes is durable (committed to the broker),
 * and fails if it never is, or if the request is no longer this worker's to finish (its partition was taken away).
 */
public interface EventSink {

    /**
     * An attempt begins: its STARTED event, and the mark that the request is in flight (with the packet id the call
     * will carry), before the Agent is called.
     */
    Uni<Void> started(MigrationEvent started, Instant firstStart, String packetId);

    /**
     * A RUNNING heartbeat of the attempt whose call is out: the event alone, no mark. Written only by the owner of the
     * request's partition, like every other event of it.
     */
    Uni<Void> running(MigrationEvent running);

    /** The request's one terminal event, written together with the mark that it ended and its record's offset. */
    Uni<Void> ended(MigrationEvent terminal);

    /** Where the steps of this request's migration are traced (its events carry the trace context of their step). */
    default StepTrace trace() {
        return StepTrace.NONE;
    }
}
