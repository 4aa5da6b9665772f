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
 */
public record RequestMark(String requestId, Stage stage, int attempt, Instant receivedAt, Instant firstStart,
        Instant at, String packetId) {

    /** In the order a request goes through them: a mark never moves back. */
    public enum Stage {
        HANDED_OFF, IN_FLIGHT, ENDED
    }

    /** The request was handed to the fleet's scheduler (its record's offset committed with this mark). */
    public static RequestMark handedOff(MigrationRequest request, Instant at) {
        return new RequestMark(request.requestId(), Stage.HANDED_OFF, 0, request.receivedAt(), null, at, null);
    }

    public static RequestMark inFlight(MigrationEvent started, Instant firstStart, String packetId) {
        return new RequestMark(started.requestId(), Stage.IN_FLIGHT, started.attempt(), started.receivedAt(),
                firstStart, started.occurredAt(), packetId);
    }

    public static RequestMark ended(MigrationEvent terminal) {
        Instant firstStart = terminal.durationMs() == null ? null
                : terminal.occurredAt().minusMillis(terminal.durationMs());
        return new RequestMark(terminal.requestId(), Stage.ENDED, terminal.attempt(), terminal.receivedAt(),
                firstStart, terminal.occurredAt(), null);
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
