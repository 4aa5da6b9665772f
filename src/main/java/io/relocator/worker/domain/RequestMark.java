package io.relocator.worker.domain;

import java.time.Instant;

/**
 * What the worker remembers of a requestId (in its outcome store): it was handed to the fleet's scheduler, an attempt
 * was in flight, or the request ended. A redelivered request with any mark is not handed off again; a grant of an ended
 * one never runs again; a grant of an in-flight one is reconciled with the Agents before anything is sent again.
 *
 * @param attempt    the attempt in flight, or the attempts made in total; 0 when handed off
 * @param firstStart when the first attempt began; null when the Agent was never called
 * @param at         when the mark was written
 * @param packetId   in flight: the packet id the attempt was sent with (for {@code system/cancel}); null when ended,
 *                   and in marks written before packet ids were kept (they read as before)
 * @param outcome    ended: how the request ended ({@link MigrationEvent#outcome()}, e.g. {@code FAILED CANCELLED}), for
 *                   a cancel naming it; null otherwise, and in marks written before outcomes were kept
 * @param cancel     on every mark of a cancel (its requestId is the cancel's), the cancel itself, so its terminal event
 *                   can be written by whoever ends the request it names; on a {@link Stage#CANCELLED_BEFORE_ARRIVAL}
 *                   mark, the cancel that came first; null otherwise
 */
public record RequestMark(String requestId, Stage stage, int attempt, Instant receivedAt, Instant firstStart,
        Instant at, String packetId, String outcome, CancelRequest cancel) {

    /**
     * In the order a request goes through them: a mark never moves back. {@code CANCELLED_BEFORE_ARRIVAL}: a cancel
     * named this requestId before it was read; when it arrives (within the window) it ends CANCELLED at once.
     */
    public enum Stage {
        CANCELLED_BEFORE_ARRIVAL, HANDED_OFF, IN_FLIGHT, ENDED
    }


    /** The request was handed to the fleet's scheduler (its record's offset committed with this mark). */
    public static RequestMark handedOff(MigrationRequest request, Instant at) {
        return new RequestMark(request.requestId(), Stage.HANDED_OFF, 0, request.receivedAt(), null, at, null, null,
                null);
    }

    /**
     * A cancel handed on: the request it names is waiting or running, and its end settles the cancel (the one who
     * writes that end writes the cancel's terminal event in the same transaction).
     */
    public static RequestMark cancelPending(CancelRequest cancel, Instant at) {
        return new RequestMark(cancel.requestId(), Stage.HANDED_OFF, 0, cancel.receivedAt(), null, at, null, null,
                cancel);
    }

    /** The request {@code cancel} names was not known yet: if it arrives within the window, it ends CANCELLED. */
    public static RequestMark cancelledBeforeArrival(CancelRequest cancel, Instant at) {
        return new RequestMark(cancel.cancels(), Stage.CANCELLED_BEFORE_ARRIVAL, 0, cancel.receivedAt(), null, at,
                null, null, cancel);
    }

    public static RequestMark inFlight(MigrationEvent started, Instant firstStart, String packetId) {
        return new RequestMark(started.requestId(), Stage.IN_FLIGHT, started.attempt(), started.receivedAt(),
                firstStart, started.occurredAt(), packetId, null, null);
    }

    public static RequestMark ended(MigrationEvent terminal) {
        Instant firstStart = terminal.durationMs() == null ? null
                : terminal.occurredAt().minusMillis(terminal.durationMs());
        return new RequestMark(terminal.requestId(), Stage.ENDED, terminal.attempt(), terminal.receivedAt(),
                firstStart, terminal.occurredAt(), null, terminal.outcome(), null);
    }

    /** A cancel's own end. */
    public static RequestMark cancelEnded(MigrationEvent terminal, CancelRequest cancel) {
        return new RequestMark(terminal.requestId(), Stage.ENDED, 0, terminal.receivedAt(), null,
                terminal.occurredAt(), null, terminal.outcome(), cancel);
    }

    /** Whether this is a mark of a cancel (not of the request a cancel names). */
    public boolean ofCancel() {
        return cancel != null && cancel.requestId().equals(requestId);
    }

    /** Whether a cancel named this requestId before it arrived. */
    public boolean cancelledBeforeArrival() {
        return stage == Stage.CANCELLED_BEFORE_ARRIVAL;
    }

    public boolean ended() {
        return stage == Stage.ENDED;
    }

    /** Whether an attempt was in flight (the Agent may have been called). */
    public boolean inFlight() {
        return stage == Stage.IN_FLIGHT;
    }

    /** Marks only move forward: an end is never undone, a later stage or attempt replaces an earlier one. */
    public RequestMark laterOf(RequestMark other) {
        if (other == null) {
            return this;
        }
        if (stage != other.stage) {
            return stage.compareTo(other.stage) > 0 ? this : other;
        }
        return other.attempt > attempt ? other : this;
    }

    /** The attempts made before the worker lost track of the one in flight, with that one's packet id. */
    public AttemptHistory history() {
        return new AttemptHistory(attempt, firstStart, null, packetId);
    }
}
