package io.relocator.worker.domain;

/**
 * The fields of a request that every event copies back for audit, as far as they could be read (a field given twice
 * is not). Strings are cut, never echoed whole past their limit: {@code requestedBy} and {@code reason} at 256
 * characters, ids at 64 (so a cut one never passes for a valid GUID or node id), never inside a surrogate pair;
 * {@code migrationType} is the request's own value (a number or a name); {@code cancels}, on a cancel, the requestId
 * it names (cut like an id at 128 characters), else null.
 */
public record RequestEcho(String requestId, String containerId, String sourceNode, String targetNode,
        Object migrationType, String requestedBy, String reason, String cancels) {
}
