package io.relocator.worker.domain;

/** The request's {@code options}: each maps to one element of the Agent's {@code v2v_migrate_optionsType}. */
public record MigrationOptions(boolean removeSource, boolean force, boolean noStart) {
    public static final MigrationOptions NONE = new MigrationOptions(false, false, false);
}
