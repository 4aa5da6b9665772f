package io.relocator.worker.domain;

import java.time.Instant;

/**
 * What happened to a request's earlier attempts: how many there were, when the first began, and the last error.
 * Carried from one attempt to the next while the request waits between them without holding a slot.
 */
public record AttemptHistory(int attempts, Instant firstStart, MigrationError lastError) {

    public static final AttemptHistory NONE = new AttemptHistory(0, null, null);

    AttemptHistory next(Instant start) {
        return new AttemptHistory(attempts + 1, firstStart == null ? start : firstStart, lastError);
    }

    AttemptHistory failedWith(MigrationError error) {
        return new AttemptHistory(attempts, firstStart, error);
    }
}
