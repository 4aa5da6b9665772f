package io.relocator.worker.simulator;

/**
 * An Agent error the simulator answers with: a SOAP Fault whose {@code detail} holds
 * {@code <error xmlns=".../protocol"><code>N</code><message>text</message></error>}. The real Agent publishes no table
 * of codes, so the simulator's own codes below are invented, distinct and stable; tests and the README name them.
 * The session-invalid code is configurable ({@code relocator.simulator.session-invalid-code}, default 112) because
 * the worker keeps a configurable list of such codes.
 */
final class AgentFault extends RuntimeException {

    /** Login refused: wrong user or password, no password configured, or {@link FaultMode#REFUSE_LOGIN}. */
    static final int LOGIN_REFUSED = 101;
    /** The request is not one the simulator can read: not XML, no body element, a missing or misplaced element. */
    static final int BAD_REQUEST = 120;
    /** The body element names an operation the simulator does not implement. */
    static final int UNKNOWN_OPERATION = 121;
    /** {@code dst/address} names a node the simulator does not know (its first DNS label). */
    static final int UNKNOWN_DESTINATION = 130;
    /** A container in {@code eid_list} is not on the source node (the node whose Agent was called). */
    static final int CONTAINER_NOT_FOUND = 131;
    /** A container in {@code eid_list} is being migrated by an earlier call that has not ended. */
    static final int CONTAINER_BUSY = 132;
    /** The {@code dst} credentials are not valid on the destination node. */
    static final int DESTINATION_LOGIN_REFUSED = 133;
    /** The destination is the source node itself. */
    static final int SAME_NODE = 134;
    /**
     * {@code system/cancel} names no migration in progress on this node: never accepted with that packet id, already
     * ended, or already cancelled.
     */
    static final int UNKNOWN_MESSAGE = 140;
    /** The answer to a {@code migrate_v2v} that {@code system/cancel} stopped, if its caller still waits for one. */
    static final int CANCELLED = 141;
    /**
     * {@code system/cancel} of a migration past the point where it can be stopped (a node switched to answer cancels
     * too late): the migration goes on and completes.
     */
    static final int TOO_LATE = 142;

    private final int code;

    AgentFault(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    int code() {
        return code;
    }
}
