package io.relocator.worker.domain;

/**
 * What a {@link MigrationRunner} tells about its runs as they go, for metrics: the retries it decides, how each
 * reconciliation with the Agents ends, and the calls it abandons as stalled. Called on whatever thread the run's step
 * ends on; implementations must be thread-safe and must not block.
 */
public interface RunObserver {

    /** Observes nothing. */
    RunObserver NONE = new RunObserver() {
    };

    /** An attempt failed with {@code code} and the request will be attempted again after a back-off. */
    default void retried(ErrorCode code) {
    }

    /**
     * A reconciliation (after a lost answer, or after a cancel while the call was out) ended with {@code verdict}:
     * {@link Reconciliation.Verdict#MIGRATED}, {@link Reconciliation.Verdict#NOT_MIGRATED} or
     * {@link Reconciliation.Verdict#IN_DOUBT}; never {@code WAIT}.
     */
    default void reconciled(Reconciliation.Verdict verdict) {
    }

    /** A call was abandoned as a lost answer: out past the stall timeout with no transition at the Agents. */
    default void stalled() {
    }
}
