package io.relocator.worker.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one reconciliation has seen so far, carried from round to round: when it began, whether the Agents ever
 * showed the Container in transition (which lengthens its deadline), and since when the same "idle on the source,
 * absent from the target" answer has been given unchanged (the grace period's start), with the source state it gave.
 *
 * @param migrationLength how long it may wait in all once a transition was seen (see {@link Reconciliation})
 * @param idleSince null unless the last round's answer was "idle on the source, absent from the target"
 * @param idleState the source's {@code status/state} in that answer (null when the Agent gave none)
 */
record ReconcileState(Instant began, Duration migrationLength, boolean sawTransition, Instant idleSince, Integer idleState) {

    static ReconcileState beganAt(Instant now, Duration migrationLength) {
        return new ReconcileState(now, migrationLength, false, null, null);
    }

    ReconcileState inTransition() {
        return new ReconcileState(began, migrationLength, true, null, null);
    }

    /** The idle answer again: the grace period goes on if it is unchanged, else starts over now. */
    ReconcileState idle(Instant now, Integer sourceState) {
        boolean unchanged = idleSince != null && Objects.equals(idleState, sourceState);
        return new ReconcileState(began, migrationLength, sawTransition, unchanged ? idleSince : now, sourceState);
    }

    /** Any other answer (an Agent not answering among them): what was seen idle no longer counts. */
    ReconcileState unsettled() {
        return new ReconcileState(began, migrationLength, sawTransition, null, null);
    }
}
