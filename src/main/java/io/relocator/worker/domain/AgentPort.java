package io.relocator.worker.domain;

import io.smallrye.mutiny.Uni;

/**
 * The worker's view of the Agents. Implementations never block the calling thread and never fail the {@link Uni}:
 * every failure is an {@link AgentOutcome} with a typed {@link MigrationError}. The returned Uni completes only when
 * the call has really ended (the Agent answered, or the connection is gone).
 */
public interface AgentPort {

    Uni<AgentOutcome> migrate(MigrationCall call);
}
