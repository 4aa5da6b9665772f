package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The order among waiting requests: a higher {@link Priority} first, and within one class the oldest first. A request
 * rises one class for every {@code aging} it has waited (a {@code low} one counts as {@code normal} after one period
 * and as {@code high} after two), so a steady stream of higher-class work delays lower-class work by at most two
 * periods before it competes on arrival order alone: never for ever. Plain logic on a clock; no state.
 */
public final class PriorityOrder {

    private final Duration aging;
    private final Clock clock;

    /** @param aging how long a request waits before it counts as the next class up; at least one millisecond */
    public PriorityOrder(Duration aging, Clock clock) {
        if (aging.toMillis() < 1) {
            throw new IllegalArgumentException("priority aging must be at least 1 ms, was " + aging);
        }
        this.aging = aging;
        this.clock = clock;
    }

    /** Now, for {@link #rank}: when a request starts waiting. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * The class a request of {@code priority} that has waited since {@code waitingSince} counts as now: 0 is the
     * highest ({@link Priority#HIGH}), larger is lower.
     */
    public int rank(Priority priority, Instant waitingSince) {
        long periods = Math.max(0, Duration.between(waitingSince, clock.instant()).toMillis() / aging.toMillis());
        return (int) Math.max(0, priority.ordinal() - Math.min(periods, Priority.values().length));
    }
}
