package io.relocator.worker.domain;

/**
 * One call to the source node's Agent: migrate this Container to that node. What {@link AgentPort} is asked to do.
 *
 * @param packetId the {@code packet_header/@id} the call is sent with: unique per attempt, kept in the request's
 *                 in-flight mark, so that a call whose answer was lost can be named to {@code system/cancel}
 */
public record MigrationCall(String containerId, String sourceNode, String targetNode, int migrationType,
        MigrationOptions options, String packetId) {

    public static MigrationCall of(MigrationRequest request, String packetId) {
        return new MigrationCall(request.containerId(), request.sourceNode(), request.targetNode(),
                request.migrationType(), request.options(), packetId);
    }
}
