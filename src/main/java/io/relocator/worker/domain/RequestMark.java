package io.relocator.worker.domain;

import java.time.Instant;

/**
 * What the worker remembers of a requestId (in its outcome store): an attempt was in flight, or the request ended.
 * A redelivered request is resumed from its mark: an ended one never runs again, an in-flight one is reconciled with
 * the Agents before anything is sent again.
 *
 * @param attempt    the attempt in flight, or the attempts made in total
 * @param firstStart when the first attempt began; null when the Agent was never called
 * @param at         when the mark was written
 * @param packetId   in flight: the packet id the attempt was sent with (for {@code system/cancel}); null when ended,
 *                   and in marks written before packet ids were kept (they read as before)
 */
public record RequestMark(String requestId, Stage stage, int attempt, Instant receivedAt, Instant firstStart,
        Instant at, String packetId) {

    public enum Stage {
        IN_FLIGHT, ENDED
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

    /** Marks only move forward: an end is never undone, a later attempt replaces an earlier one. */
    public RequestMark laterOf(RequestMark other) {
        if (other == null) {
            return this;
        }
        if (ended() != other.ended()) {
            return ended() ? this : other;
        }
        return other.attempt > attempt ? other : this;
    }

    /** The attempts made before the worker lost track of the one in flight, with that one's packet id. */
    public AttemptHistory history() {
        return new AttemptHistory(attempt, firstStart, null, packetId);
    }
}
