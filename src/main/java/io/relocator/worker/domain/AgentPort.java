package io.relocator.worker.domain;

import io.smallrye.mutiny.Uni;

/**
 * The worker's view of the Agents. Implementations never block the calling thread and never fail the {@link Uni}:
 * every failure is a value with a typed {@link MigrationError}. The returned Uni completes only when the call has
 * really ended (the Agent answered, or the connection is gone).
 */
public interface AgentPort {

    /** Asks the source node's Agent to migrate the Container ({@code relocator/migrate_v2v}). */
    Uni<AgentOutcome> migrate(MigrationCall call);

    /** Asks a node's Agent whether the Container is there ({@code envm/get_info}). */
    Uni<ContainerPresence> locate(String node, String containerId);

    /**
     * Asks a node's Agent to stop processing the call sent with {@code packetId} ({@code system/cancel}), whichever
     * session or worker sent it.
     */
    Uni<CancelOutcome> cancel(String node, String packetId);
}
