package io.relocator.worker.domain;

import java.time.Instant;

/**
 * A valid MigrationRequest (see the contract): every field checked, node ids known to the inventory, the migration
 * type resolved to its number. Built only by {@link RequestParser}.
 *
 * @param completeBy a migration of it still running then is cancelled (and one still waiting ends CANCELLED); null
 *                   when none
 */
public record MigrationRequest(
        String requestId,
        String containerId,
        String sourceNode,
        String targetNode,
        int migrationType,
        MigrationOptions options,
        Instant notAfter,
        String requestedBy,
        String reason,
        Priority priority,
        Instant receivedAt,
        Instant completeBy) {

    public boolean expiredAt(Instant now) {
        return notAfter != null && now.isAfter(notAfter);
    }

    /** Whether its {@code completeBy} (no migration of it may still run then) is before {@code now}. */
    public boolean completeByPassedAt(Instant now) {
        return completeBy != null && now.isAfter(completeBy);
    }

    /** The same request, first read at {@code firstRead} (by an earlier delivery). */
    public MigrationRequest receivedAt(Instant firstRead) {
        return new MigrationRequest(requestId, containerId, sourceNode, targetNode, migrationType, options, notAfter,
                requestedBy, reason, priority, firstRead, completeBy);
    }
}
