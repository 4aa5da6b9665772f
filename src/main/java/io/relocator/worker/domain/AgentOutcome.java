package io.relocator.worker.domain;

/** How one Agent call ended: completed, or failed with a typed error. Never an exception. */
public record AgentOutcome(MigrationError error) {

    private static final AgentOutcome COMPLETED = new AgentOutcome(null);

    public static AgentOutcome completed() {
        return COMPLETED;
    }

    public static AgentOutcome failed(MigrationError error) {
        return new AgentOutcome(error);
    }

    public boolean isCompleted() {
        return error == null;
    }
}
