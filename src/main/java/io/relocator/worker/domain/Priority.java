package io.relocator.worker.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * A request's class among waiting requests (the contract's {@code priority}): when slots free up, a higher class
 * starts first, always within the bounds. {@link PriorityOrder} ages waiting requests so that {@link #LOW} is never
 * starved.
 */
public enum Priority {
    /** Urgent work, such as evacuating a failing node. */
    HIGH,
    /** The default. */
    NORMAL,
    /** Work that may wait, such as a rebalance. */
    LOW;

    /** The contract's name: {@code high}, {@code normal}, {@code low}. */
    public String contractName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class named {@code name} in the contract, if it is one. */
    public static Optional<Priority> fromContractName(String name) {
        for (Priority priority : values()) {
            if (priority.contractName().equals(name)) {
                return Optional.of(priority);
            }
        }
        return Optional.empty();
    }
}
