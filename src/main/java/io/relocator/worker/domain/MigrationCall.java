package io.relocator.worker.domain;

/** One call to the source node's Agent: migrate this Container to that node. What {@link AgentPort} is asked to do. */
public record MigrationCall(String containerId, String sourceNode, String targetNode, int migrationType,
        MigrationOptions options) {

    public static MigrationCall of(MigrationRequest request) {
        return new MigrationCall(request.containerId(), request.sourceNode(), request.targetNode(),
                request.migrationType(), request.options());
    }
}
