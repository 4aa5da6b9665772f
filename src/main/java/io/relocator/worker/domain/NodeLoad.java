package io.relocator.worker.domain;

/**
 * One node's load as the scheduler counts it: migrations running into and out of it, and requests waiting locally to
 * go into it. Written only on the scheduler's context; volatile so that metrics and logs may read it from any thread.
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

    /** Requests for this target waiting locally for a slot. */
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
