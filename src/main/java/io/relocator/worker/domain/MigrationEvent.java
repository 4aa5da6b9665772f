package io.relocator.worker.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * A MigrationEvent as the contract defines it. Built only through the factories below, which keep the per-status
 * rules (attempt numbering, durationMs only when the Agent was called, error only on FAILED; elapsedMs, heartbeat and
 * agents only on RUNNING) in one place.
 */
public record MigrationEvent(
        String requestId,
        String containerId,
        String sourceNode,
        String targetNode,
        Object migrationType,
        String requestedBy,
        String reason,
        MigrationStatus status,
        int attempt,
        Instant receivedAt,
        Instant occurredAt,
        Long durationMs,
        Boolean reconciled,
        MigrationError error,
        String cancels,
        Long elapsedMs,
        Integer heartbeat,
        RunningAgents agents) {

    /** An attempt's call to the Agent begins. */
    public static MigrationEvent started(MigrationRequest request, int attempt, Instant now) {
        return of(request, MigrationStatus.STARTED, attempt, now, null, null, null);
    }

    /**
     * The {@code heartbeat}-th heartbeat of attempt {@code attempt}, whose STARTED was at {@code attemptStart}: its call
     * is still out, and {@code agents} is what the Agents showed of the Container just now.
     */
    public static MigrationEvent running(MigrationRequest r, int attempt, int heartbeat, Instant attemptStart,
            Instant now, RunningAgents agents) {
        return new MigrationEvent(r.requestId(), r.containerId(), r.sourceNode(), r.targetNode(), r.migrationType(),
                r.requestedBy(), r.reason(), MigrationStatus.RUNNING, attempt, r.receivedAt(), now, null, null, null, null,
                Duration.between(attemptStart, now).toMillis(), heartbeat, agents);
    }

    /** The migration completed; {@code firstStart} is when the first attempt began. */
    public static MigrationEvent completed(MigrationRequest request, int attempts, Instant firstStart, Instant now,
            boolean reconciled) {
        return of(request, MigrationStatus.COMPLETED, attempts, now, durationMs(firstStart, now), reconciled, null);
    }

    /** The migration failed; {@code firstStart} is null when the Agent was never called. */
    public static MigrationEvent failed(MigrationRequest request, int attempts, Instant firstStart, Instant now,
            MigrationError error) {
        return of(request, MigrationStatus.FAILED, attempts, now, durationMs(firstStart, now), false, error);
    }

    /** A request that was identified but could not be accepted: FAILED with attempt 0, the Agent never called. */
    public static MigrationEvent rejected(RequestEcho echo, Instant receivedAt, Instant now, MigrationError error) {
        return new MigrationEvent(echo.requestId(), echo.containerId(), echo.sourceNode(), echo.targetNode(),
                echo.migrationType(), echo.requestedBy(), echo.reason(), MigrationStatus.FAILED, 0, receivedAt, now,
                null, false, error, echo.cancels(), null, null, null);
    }

    /**
     * A cancel's own terminal event: COMPLETED when the request it names ended CANCELLED, else FAILED
     * {@code NOT_CANCELLED} with why in the message. The Agent is never called for a cancel itself: attempt 0.
     */
    public static MigrationEvent cancelEnded(CancelRequest cancel, Instant now, String notCancelled) {
        return new MigrationEvent(cancel.requestId(), cancel.containerId(), null, null, null, cancel.requestedBy(),
                cancel.reason(), notCancelled == null ? MigrationStatus.COMPLETED : MigrationStatus.FAILED, 0,
                cancel.receivedAt(), now, null, notCancelled == null ? null : false,
                notCancelled == null ? null : MigrationError.of(ErrorCode.NOT_CANCELLED, notCancelled, false),
                cancel.cancels(), null, null, null);
    }

    /**
     * The containerId the event is keyed by and is the CloudEvents subject of: the request's when it is a GUID (always,
     * but for a rejected request), null when the request gave none or a malformed one, which is then only echoed in
     * the value. So no text a producer chose, control characters and all, reaches a key or a header.
     */
    public String subject() {
        return containerId != null && RequestParser.GUID.matcher(containerId).matches() ? containerId : null;
    }

    /** What a cancel's event says of how this (terminal) event ended: {@code COMPLETED}, {@code FAILED <code>}. */
    public String outcome() {
        return error == null ? status.name() : status + " " + error.code();
    }

    /**
     * The deterministic CloudEvents id: a consumer drops a duplicate by it. A RUNNING event's carries its heartbeat
     * number too ({@code <requestId>:RUNNING:<attempt>:<n>}).
     */
    public String cloudEventId() {
        return requestId + ":" + status + ":" + attempt + (heartbeat == null ? "" : ":" + heartbeat);
    }

    private static MigrationEvent of(MigrationRequest r, MigrationStatus status, int attempt, Instant now,
            Long durationMs, Boolean reconciled, MigrationError error) {
        return new MigrationEvent(r.requestId(), r.containerId(), r.sourceNode(), r.targetNode(), r.migrationType(),
                r.requestedBy(), r.reason(), status, attempt, r.receivedAt(), now, durationMs, reconciled, error, null, null,
                null, null);
    }

    private static Long durationMs(Instant firstStart, Instant now) {
        return firstStart == null ? null : Duration.between(firstStart, now).toMillis();
    }
}
