package io.relocator.worker.simulator;

import java.time.Duration;

/**
 * How a simulated source node's Agent shows a migration it accepted, as a real Agent does: for
 * {@code acceptToVisible} after accepting {@code migrate_v2v} nothing changes (the container is still plainly on
 * the source, absent from the target); then, while the migration runs, {@code get_info} on the source and on the
 * target shows the container with a {@code status/transition}. {@code showTransition=false} is an Agent that never
 * shows one (the worker can then not tell a running migration from none; its grace period and deadline are all
 * that is left). Set by {@code relocator.simulator.accept-to-visible} / {@code show-transition} or
 * {@code PUT /simulator/admin/nodes/{node}/timing}.
 */
public record AgentTiming(Duration acceptToVisible, boolean showTransition) {

    /** A migration visible at once, with its transition: what the simulator did before it learned the window. */
    public static final AgentTiming IMMEDIATE = new AgentTiming(Duration.ZERO, true);

    public AgentTiming {
        if (acceptToVisible == null || acceptToVisible.isNegative()) {
            throw new IllegalArgumentException("acceptToVisible must be zero or more");
        }
    }
}
