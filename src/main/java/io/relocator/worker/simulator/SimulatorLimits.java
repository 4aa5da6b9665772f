package io.relocator.worker.simulator;

/**
 * How much the simulator may hold: at most {@code maxNodes} nodes and {@code maxContainers} containers on all nodes
 * together ({@code relocator.simulator.max-nodes}, {@code max-containers}). A call that would pass either is refused
 * with {@link SimulatorLimitReached} and creates nothing, so a careless or hostile caller cannot fill the heap.
 */
public record SimulatorLimits(int maxNodes, int maxContainers) {

    /** The configuration's defaults, for simulators built without it (plain tests). */
    public static final SimulatorLimits DEFAULT = new SimulatorLimits(10_000, 1_000_000);

    public SimulatorLimits {
        if (maxNodes < 1 || maxContainers < 0) {
            throw new IllegalArgumentException("max-nodes must be at least 1 and max-containers at least 0");
        }
    }
}
