package io.relocator.worker.domain;

/** The {@code status} of a MigrationEvent, with the CloudEvents type each is published under. */
public enum MigrationStatus {
    STARTED("relocator.migration.started.v1"),
    /** A heartbeat while an attempt's call is out ({@link RunningHeartbeat}); never terminal. */
    RUNNING("relocator.migration.running.v1"),
    COMPLETED("relocator.migration.completed.v1"),
    FAILED("relocator.migration.failed.v1");

    private final String cloudEventType;

    MigrationStatus(String cloudEventType) {
        this.cloudEventType = cloudEventType;
    }

    public String cloudEventType() {
        return cloudEventType;
    }
}
