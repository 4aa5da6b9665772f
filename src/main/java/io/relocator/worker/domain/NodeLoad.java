package io.relocator.worker.domain;

/**
 * One node's load as a scheduler counts it: migrations running (for the {@link FleetLedger}: granted) into and out of
 * it, and requests waiting to go into it. Written only on its scheduler's one thread; volatile so that metrics and
 * logs may read it from any thread.
 */
public final class NodeLoad {

    private final String node;
    private final int maxIncoming;
    private final int maxOutgoing;
    volatile int incoming;
    volatile int outgoing;
    volatile int queued;

    NodeLoad(String node, int maxIncoming, int maxOutgoing) {
        this.node = node;
        this.maxIncoming = maxIncoming;
        this.maxOutgoing = maxOutgoing;
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

    public int maxIncoming() {
        return maxIncoming;
    }

    public int maxOutgoing() {
        return maxOutgoing;
    }

    boolean canReceive() {
        return incoming < maxIncoming;
    }

    boolean canSend() {
        return outgoing < maxOutgoing;
    }
}
