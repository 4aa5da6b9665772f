package io.relocator.worker.domain;

import java.util.Map;

/**
 * The limits on migrations at once: per target node (incoming) and per source node (outgoing), which the fleet's
 * scheduler holds for every worker process together, and per process ({@code maxInFlight}, a cap on Agent calls each
 * process applies to itself). Per-node overrides replace the defaults for the nodes they name.
 */
public record ConcurrencyBounds(int perTargetNode, int perSourceNode, int maxInFlight,
        Map<String, Integer> maxIncoming, Map<String, Integer> maxOutgoing) {

    public ConcurrencyBounds {
        requirePositive(perTargetNode, "per-target-node");
        requirePositive(perSourceNode, "per-source-node");
        requirePositive(maxInFlight, "max-in-flight");
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
