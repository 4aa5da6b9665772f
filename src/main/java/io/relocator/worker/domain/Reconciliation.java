package io.relocator.worker.domain;

import java.time.Duration;
import java.util.Set;

/**
 * How an attempt whose answer was lost is settled by asking the Agents where the Container is.
 *
 * @param interval   between two rounds of questions
 * @param deadline   after this, an unsettled attempt ends FAILED IN_DOUBT
 * @param busyStates Agent {@code status/state} codes meaning an operation still holds the Container
 */
public record Reconciliation(Duration interval, Duration deadline, Set<Integer> busyStates) {

    public Reconciliation {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("relocator.reconcile.interval must be at least 1 ms");
        }
        busyStates = Set.copyOf(busyStates);
    }

    /** What the two Agents' answers say about the migration. */
    Verdict verdict(ContainerPresence onSource, ContainerPresence onTarget) {
        if (!onSource.isKnown() || !onTarget.isKnown() || isBusy(onSource) || isBusy(onTarget)) {
            return Verdict.UNSETTLED;
        }
        if (onTarget.present() && !onSource.present()) {
            return Verdict.MIGRATED;
        }
        if (onSource.present() && !onTarget.present()) {
            return Verdict.NOT_MIGRATED;
        }
        return Verdict.UNSETTLED;
    }

    private boolean isBusy(ContainerPresence presence) {
        return presence.present() && presence.state() != null && busyStates.contains(presence.state());
    }

    enum Verdict {
        /** On the destination and gone from the source. */
        MIGRATED,
        /** Still only on the source, and no operation holds it: safe to ask again. */
        NOT_MIGRATED,
        /** Anything else: an Agent could not be asked, the Container is busy, on both nodes or on neither. */
        UNSETTLED
    }
}
