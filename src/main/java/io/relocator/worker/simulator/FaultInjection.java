package io.relocator.worker.simulator;

/**
 * A node's injected fault: the mode and, for {@link FaultMode#AGENT_ERROR}, the Agent error code to answer with.
 *
 * @param mode what the node does wrong
 * @param code the error code sent in the fault detail by {@link FaultMode#AGENT_ERROR}
 */
public record FaultInjection(FaultMode mode, int code) {

    /** The Agent error code of an injected {@link FaultMode#AGENT_ERROR} when none is given. */
    public static final int DEFAULT_CODE = 500;

    /** A healthy node. */
    public static final FaultInjection NONE = new FaultInjection(FaultMode.NONE, DEFAULT_CODE);

    public FaultInjection {
        if (mode == null) {
            throw new IllegalArgumentException("fault mode is required");
        }
    }
}
