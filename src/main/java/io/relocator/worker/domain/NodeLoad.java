package io.relocator.worker.domain;

/**
 * One node's load as a scheduler counts it: migrations running (for the {@link FleetLedger}: granted) into and out of
 * it, requests waiting to go into it, and the operator's {@link NodeControl} (pauses, bounds overriding the configured
 * ones). Written only on its scheduler's one thread; volatile so that metrics and logs may read it from any thread.
 */
public final class NodeLoad {

    private final String node;
    private final int maxIncoming;
    private final int maxOutgoing;
    volatile NodeControl control;
    volatile int incoming;
    volatile int outgoing;
    volatile int queued;

    NodeLoad(String node, int maxIncoming, int maxOutgoing) {
        this.node = node;
        this.maxIncoming = maxIncoming;
        this.maxOutgoing = maxOutgoing;
        this.control = NodeControl.none(node);
    }

    public String node() {
        return node;
    }

    /** Migrations running into this node. */
    public int incoming() {
        return incoming;
    }

    /** Migrations running out of this node. */
    public int outgoing() {
        return outgoing;
    }

    /** Requests for this target waiting for a slot: locally, or for the {@link FleetLedger} anywhere in the fleet. */
    public int queued() {
        return queued;
    }

    /** The bound into the node now: the operator's override, else the configured one. */
    public int maxIncoming() {
        return control.effectiveIncoming(maxIncoming);
    }

    /** The bound out of the node now: the operator's override, else the configured one. */
    public int maxOutgoing() {
        return control.effectiveOutgoing(maxOutgoing);
    }

    /** The operator's control of the node ({@link NodeControl#none} when none was set). */
    public NodeControl control() {
        return control;
    }

    boolean canReceive() {
        return control.canReceive(incoming, maxIncoming);
    }

    boolean canSend() {
        return control.canSend(outgoing, maxOutgoing);
    }
}
