package io.relocator.worker.domain;

import java.time.Instant;

/**
 * What happened to a request's earlier attempts: how many there were, when the first began, the last error, and the
 * packet id the last attempt was sent with. Carried from one attempt to the next while the request waits between
 * them without holding a slot, and rebuilt from the in-flight mark when a request is found in flight.
 *
 * @param packetId the packet id of attempt {@code attempts}, for {@code system/cancel}; null when none was sent or
 *                 it is not known (a mark written before packet ids were kept)
 */
public record AttemptHistory(int attempts, Instant firstStart, MigrationError lastError, String packetId) {

    public static final AttemptHistory NONE = new AttemptHistory(0, null, null, null);

    /** The next attempt begins at {@code start}, sent with {@code packetId}. */
    AttemptHistory next(Instant start, String packetId) {
        return new AttemptHistory(attempts + 1, firstStart == null ? start : firstStart, lastError, packetId);
    }

    AttemptHistory failedWith(MigrationError error) {
        return new AttemptHistory(attempts, firstStart, error, packetId);
    }
}
