package io.relocator.worker.domain;

/**
 * The fields of a request that every event copies back for audit, as far as they could be read. Strings are cut to
 * their limit, never echoed whole; {@code migrationType} is the request's own value (a number or a name).
 */
public record RequestEcho(String requestId, String containerId, String sourceNode, String targetNode,
        Object migrationType, String requestedBy, String reason) {
}
