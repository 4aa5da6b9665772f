package io.relocator.worker.domain;

import java.time.Instant;

/**
 * A valid MigrationRequest (see the contract): every field checked, node ids known to the inventory, the migration
 * type resolved to its number. Built only by {@link RequestParser}; intake adds the trace context its work continues
 * ({@link #withTrace}), which travels with it to the worker that runs it.
 *
 * @param completeBy a migration of it still running then is cancelled (and one still waiting ends CANCELLED); null
 *                   when none
 * @param trace      the trace context of the worker's intake of the request ({@link TraceContext#NONE} when not traced)
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
        Instant completeBy,
        TraceContext trace) {

    /** A request without trace context (as the parser reads it). */
    public MigrationRequest(String requestId, String containerId, String sourceNode, String targetNode,
            int migrationType, MigrationOptions options, Instant notAfter, String requestedBy, String reason,
            Priority priority, Instant receivedAt, Instant completeBy) {
        this(requestId, containerId, sourceNode, targetNode, migrationType, options, notAfter, requestedBy, reason,
                priority, receivedAt, completeBy, TraceContext.NONE);
    }

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
                requestedBy, reason, priority, firstRead, completeBy, trace);
    }

    /** The same request, its work continuing the trace context {@code context}. */
    public MigrationRequest withTrace(TraceContext context) {
        return new MigrationRequest(requestId, containerId, sourceNode, targetNode, migrationType, options, notAfter,
                requestedBy, reason, priority, receivedAt, completeBy, context);
    }
}
