package io.relocator.worker.domain;

import java.util.OptionalInt;

/**
 * An operator's command on one node's {@link NodeControl}, applied by the fleet's scheduler
 * ({@link FleetLedger#control}). Each command is idempotent: applying it twice leaves what applying it once did.
 */
public sealed interface NodeCommand {

    /** The node the command is about. */
    String node();

    /** The node's control after this command. */
    NodeControl applyTo(NodeControl current);

    /** The command's name in records and audit events. */
    String action();

    /** No new migration in {@code direction} of the node; running ones finish. */
    record Pause(String node, Direction direction) implements NodeCommand {
        @Override
        public NodeControl applyTo(NodeControl current) {
            return current.paused(direction);
        }

        @Override
        public String action() {
            return "PAUSE";
        }
    }

    /** New migrations in {@code direction} of the node may start again. */
    record Resume(String node, Direction direction) implements NodeCommand {
        @Override
        public NodeControl applyTo(NodeControl current) {
            return current.resumed(direction);
        }

        @Override
        public String action() {
            return "RESUME";
        }
    }

    /** Bounds replacing the configured ones until reset; an empty one leaves that direction's bound as it is. */
    record OverrideBounds(String node, OptionalInt maxIncoming, OptionalInt maxOutgoing) implements NodeCommand {
        public OverrideBounds {
            maxIncoming.ifPresent(bound -> requirePositive(bound, "maxIncoming"));
            maxOutgoing.ifPresent(bound -> requirePositive(bound, "maxOutgoing"));
        }

        @Override
        public NodeControl applyTo(NodeControl current) {
            return current.bounded(maxIncoming, maxOutgoing);
        }

        @Override
        public String action() {
            return "OVERRIDE_BOUNDS";
        }
    }

    /** The configured bounds again. */
    record ResetBounds(String node) implements NodeCommand {
        @Override
        public NodeControl applyTo(NodeControl current) {
            return current.unbounded();
        }

        @Override
        public String action() {
            return "RESET_BOUNDS";
        }
    }

    static void requirePositive(int bound, String name) {
        if (bound < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 (pause the node to stop it), was " + bound);
        }
    }
}
