package io.relocator.worker.domain;

import java.time.Duration;

/**
 * When a call that is out is looked at, and what the Agents' answers then mean. Plain rules, no timers: the timer is
 * {@link RunningHeartbeat}'s.
 * <p>
 * Ticks are counted from the attempt's STARTED: every {@code interval} when heartbeats are on (each tick a RUNNING
 * event); when they are off, from {@code stallTimeout} on, every {@code stallCheckEvery} (no event). A call is judged
 * stalled only at a tick at least {@code stallTimeout} after STARTED, and only when both Agents answered and neither
 * shows the Container in transition: a real Agent shows a running migration as a {@code status/transition} on the
 * source and the target, so a call out that long with none is not migrating anything, and its answer counts as lost
 * (reconciled, never resent blindly). A Container in transition keeps the call alive (it resets nothing: the next tick
 * judges again); an Agent that cannot be asked says nothing, and the call keeps waiting for its receive timeout.
 *
 * @param interval        between two RUNNING heartbeats; zero turns them off
 * @param stallTimeout    how long a call may be out with no transition shown before it counts as lost; zero turns
 *                        stall detection off
 * @param stallCheckEvery between two looks past {@code stallTimeout} when heartbeats are off
 */
public record RunningWatch(Duration interval, Duration stallTimeout, Duration stallCheckEvery) {

    /** Neither heartbeats nor stall detection: the call is left alone. */
    public static final RunningWatch OFF = new RunningWatch(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10));

    public RunningWatch {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("relocator.events.running-interval must not be negative");
        }
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("relocator.agent.stall-timeout must not be negative");
        }
        if (stallCheckEvery.toMillis() < 1) {
            throw new IllegalArgumentException("the stall check period must be at least 1 ms");
        }
    }

    /** Whether a call is looked at at all. */
    public boolean enabled() {
        return publishesHeartbeats() || detectsStalls();
    }

    boolean publishesHeartbeats() {
        return !interval.isZero();
    }

    boolean detectsStalls() {
        return !stallTimeout.isZero();
    }

    /** The first tick strictly after {@code elapsed} since STARTED (only when {@link #enabled()}). */
    Duration nextTickAfter(Duration elapsed) {
        if (publishesHeartbeats()) {
            return interval.multipliedBy(elapsed.toNanos() / interval.toNanos() + 1);
        }
        if (elapsed.compareTo(stallTimeout) < 0) {
            return stallTimeout;
        }
        return stallTimeout.plus(stallCheckEvery.multipliedBy(
                elapsed.minus(stallTimeout).toNanos() / stallCheckEvery.toNanos() + 1));
    }

    /** The heartbeat number of the tick at {@code tick} since STARTED (1 for the first), or 0 when it is none. */
    int heartbeatAt(Duration tick) {
        return publishesHeartbeats() ? (int) (tick.toNanos() / interval.toNanos()) : 0;
    }

    /** What the Agents' answers, read {@code elapsed} after STARTED, mean for the call that is still out. */
    Verdict judge(Duration elapsed, ContainerPresence onSource, ContainerPresence onTarget) {
        if (!detectsStalls() || elapsed.compareTo(stallTimeout) < 0) {
            return Verdict.KEEP_WAITING;
        }
        if (!onSource.isKnown() || !onTarget.isKnown() || onSource.inTransition() || onTarget.inTransition()) {
            return Verdict.KEEP_WAITING;
        }
        return onTarget.present() ? Verdict.ARRIVED_UNANSWERED : Verdict.IDLE_UNANSWERED;
    }

    enum Verdict {
        /** Too early, in transition, or the Agents could not be asked: the call goes on. */
        KEEP_WAITING,
        /** Past the stall timeout with no transition and not on the target: nothing is migrating it. */
        IDLE_UNANSWERED,
        /** Past the stall timeout, on the target with no transition: it moved and the answer never came. */
        ARRIVED_UNANSWERED
    }
}
