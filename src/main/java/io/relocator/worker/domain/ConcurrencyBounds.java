package io.relocator.worker.domain;

import java.util.Map;

/**
 * The limits the scheduler enforces: per target node (incoming), per source node (outgoing), per process, and how
 * many accepted requests may wait locally, in all and for one target node. Per-node overrides replace the defaults
 * for the nodes they name.
 */
public record ConcurrencyBounds(int perTargetNode, int perSourceNode, int maxInFlight, int maxQueued,
        int maxQueuedPerNode, Map<String, Integer> maxIncoming, Map<String, Integer> maxOutgoing) {

    public ConcurrencyBounds {
        requirePositive(perTargetNode, "per-target-node");
        requirePositive(perSourceNode, "per-source-node");
        requirePositive(maxInFlight, "max-in-flight");
        requirePositive(maxQueued, "max-queued");
        requirePositive(maxQueuedPerNode, "max-queued-per-node");
        maxIncoming = Map.copyOf(maxIncoming);
        maxOutgoing = Map.copyOf(maxOutgoing);
    }

    public int incoming(String node) {
        return maxIncoming.getOrDefault(node, perTargetNode);
    }

    public int outgoing(String node) {
        return maxOutgoing.getOrDefault(node, perSourceNode);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }
}
