package io.relocator.worker.simulator;

/**
 * A call refused because it would pass one of the {@link SimulatorLimits}; nothing was created. The message names the
 * setting and its value, and only node ids the simulator has checked.
 */
final class SimulatorLimitReached extends RuntimeException {

    SimulatorLimitReached(String message) {
        super(message, null, false, false);
    }
}
