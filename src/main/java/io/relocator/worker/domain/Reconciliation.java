package io.relocator.worker.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How an attempt whose answer was lost is settled by asking the Agents where the Container is, without sending the
 * migration again. The codes of {@code status/state} are not published, so no state is read as "busy": a Container
 * is in the middle of an operation exactly when the Agent shows a {@code status/transition}.
 * <p>
 * "Migrated" is one answer: on the target with no transition, gone from the source. "Not migrated" needs proof: on
 * the source with no transition and absent from the target, the same answer (same source state) in every round over
 * {@code grace}, which must be longer than the time an Agent takes, after accepting a call, before it shows the
 * Container in transition. Anything else waits: once the Agents have shown a transition, until the migration's own
 * limit (its source node's receive timeout, never less than {@code deadline}) after reconciliation began; otherwise
 * until {@code deadline}. Then the attempt ends IN_DOUBT.
 * <p>
 * "Not migrated" is not yet "send again": the runner then asks the source's Agent to cancel the lost call by its
 * packet id ({@code system/cancel}), for an Agent that holds a call without ever showing a transition. While that
 * cancel gets no answer, reconciliation goes on ({@link #cancelUnanswered}) until its deadline.
 *
 * @param interval        between two rounds of questions
 * @param deadline        how long reconciliation waits when the Agents never showed the Container in transition
 * @param grace           how long "idle on the source, absent from the target" must hold unchanged to prove the
 *                        migration did not run
 * @param migrationLength how long reconciliation waits in all once the Agents showed a transition: the Agent call's
 *                        receive timeout, so a migration that is still running is not given up on before its own
 *                        call would have been
 * @param migrationLengthByNode the source nodes whose receive timeout differs from {@code migrationLength}
 */
public record Reconciliation(Duration interval, Duration deadline, Duration grace, Duration migrationLength,
        Map<String, Duration> migrationLengthByNode) {

    public Reconciliation {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("relocator.reconcile.interval must be at least 1 ms");
        }
        if (grace.toMillis() < 1) {
            throw new IllegalArgumentException("relocator.reconcile.grace must be at least 1 ms");
        }
        if (grace.compareTo(deadline) >= 0) {
            throw new IllegalArgumentException("relocator.reconcile.grace (" + grace
                    + ") must be shorter than relocator.reconcile.deadline (" + deadline
                    + "), or no attempt could ever be proven not to have run");
        }
        migrationLengthByNode = Map.copyOf(migrationLengthByNode);
    }

    /** The same receive timeout for every node. */
    public Reconciliation(Duration interval, Duration deadline, Duration grace, Duration migrationLength) {
        this(interval, deadline, grace, migrationLength, Map.of());
    }

    /** A reconciliation of a migration out of {@code sourceNode} begins at {@code now}. */
    ReconcileState begin(Instant now, String sourceNode) {
        Duration length = migrationLengthByNode.getOrDefault(sourceNode, migrationLength);
        return ReconcileState.beganAt(now, length.compareTo(deadline) < 0 ? deadline : length);
    }

    /** What this round's answers, after what was {@code seen} before, decide at {@code now}. */
    Decision decide(ReconcileState seen, ContainerPresence onSource, ContainerPresence onTarget, Instant now) {
        if (!onSource.isKnown() || !onTarget.isKnown()) {
            return waitOrGiveUp(seen.unsettled(), now);
        }
        if (onSource.inTransition() || onTarget.inTransition()) {
            return waitOrGiveUp(seen.inTransition(), now);
        }
        if (onTarget.present() && !onSource.present()) {
            return new Decision(Verdict.MIGRATED, seen);
        }
        if (onSource.present() && !onTarget.present()) {
            ReconcileState idle = seen.idle(now, onSource.state());
            if (!now.isBefore(idle.idleSince().plus(grace))) {
                return new Decision(Verdict.NOT_MIGRATED, idle);
            }
            return waitOrGiveUp(idle, now);
        }
        return waitOrGiveUp(seen.unsettled(), now); // on both nodes or on neither
    }

    /**
     * The Agents proved "not migrated", but the {@code system/cancel} that must come before anything is sent again got
     * no answer: ask again after the interval, or give up at the deadline.
     */
    Decision cancelUnanswered(ReconcileState seen, Instant now) {
        return waitOrGiveUp(seen, now);
    }

    /** When reconciliation that has seen {@code seen} gives up. */
    Instant deadlineOf(ReconcileState seen) {
        return seen.began().plus(seen.sawTransition() ? seen.migrationLength() : deadline);
    }

    private Decision waitOrGiveUp(ReconcileState seen, Instant now) {
        return new Decision(now.isBefore(deadlineOf(seen)) ? Verdict.WAIT : Verdict.IN_DOUBT, seen);
    }

    /** A round's verdict and what reconciliation has seen, for the next round. */
    record Decision(Verdict verdict, ReconcileState seen) {
    }

    public enum Verdict {
        /** On the destination with no transition and gone from the source. */
        MIGRATED,
        /** Idle on the source and absent from the target, unchanged over the grace period: safe to ask again. */
        NOT_MIGRATED,
        /** Not settled yet, and the deadline has not passed: ask again after the interval. */
        WAIT,
        /** Not settled, and the deadline passed: the attempt ends IN_DOUBT. */
        IN_DOUBT
    }
}
