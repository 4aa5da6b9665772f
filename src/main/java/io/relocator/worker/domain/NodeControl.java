package io.relocator.worker.domain;

import java.util.OptionalInt;

/**
 * What an operator has set on one node, fleet-wide: whether new migrations into it or out of it are paused, and
 * bounds that replace its configured {@code max-incoming} / {@code max-outgoing} until reset. A paused direction is
 * granted nothing new; migrations already running finish. {@link #NONE} of a node is its configured behaviour.
 * Immutable; changed only by a {@link NodeCommand}.
 */
public record NodeControl(String node, boolean pausedIn, boolean pausedOut, OptionalInt maxIncoming,
        OptionalInt maxOutgoing) {

    public NodeControl {
        maxIncoming.ifPresent(bound -> NodeCommand.requirePositive(bound, "maxIncoming"));
        maxOutgoing.ifPresent(bound -> NodeCommand.requirePositive(bound, "maxOutgoing"));
    }

    /** A node with no control set: its configuration alone decides. */
    public static NodeControl none(String node) {
        return new NodeControl(node, false, false, OptionalInt.empty(), OptionalInt.empty());
    }

    /** Nothing set: the node behaves as configured (its state-topic entry can be removed). */
    public boolean isNone() {
        return !pausedIn && !pausedOut && maxIncoming.isEmpty() && maxOutgoing.isEmpty();
    }

    /** The bound into the node now: the override, else the configured one. */
    public int effectiveIncoming(int configured) {
        return maxIncoming.orElse(configured);
    }

    /** The bound out of the node now: the override, else the configured one. */
    public int effectiveOutgoing(int configured) {
        return maxOutgoing.orElse(configured);
    }

    /** May a migration into the node start, with {@code incoming} already granted into it. */
    public boolean canReceive(int incoming, int configured) {
        return !pausedIn && incoming < effectiveIncoming(configured);
    }

    /** May a migration out of the node start, with {@code outgoing} already granted out of it. */
    public boolean canSend(int outgoing, int configured) {
        return !pausedOut && outgoing < effectiveOutgoing(configured);
    }

    /**
     * Drained to zero: paused in some direction and nothing in flight in any paused direction, so maintenance may
     * begin. A node paused in no direction is never drained (it may receive work at any moment).
     */
    public boolean drained(int incoming, int outgoing) {
        return (pausedIn || pausedOut) && (!pausedIn || incoming == 0) && (!pausedOut || outgoing == 0);
    }

    NodeControl paused(Direction direction) {
        return new NodeControl(node, pausedIn || direction.coversIn(), pausedOut || direction.coversOut(),
                maxIncoming, maxOutgoing);
    }

    NodeControl resumed(Direction direction) {
        return new NodeControl(node, pausedIn && !direction.coversIn(), pausedOut && !direction.coversOut(),
                maxIncoming, maxOutgoing);
    }

    NodeControl bounded(OptionalInt incoming, OptionalInt outgoing) {
        return new NodeControl(node, pausedIn, pausedOut, incoming.isPresent() ? incoming : maxIncoming,
                outgoing.isPresent() ? outgoing : maxOutgoing);
    }

    NodeControl unbounded() {
        return new NodeControl(node, pausedIn, pausedOut, OptionalInt.empty(), OptionalInt.empty());
    }
}
