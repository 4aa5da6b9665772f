package io.relocator.worker.simulator;

/**
 * How a simulated node misbehaves on purpose, so the worker's error paths can be tested against a real HTTP exchange.
 * Set per node by {@code relocator.simulator.nodes."<id>".fault} or {@code PUT /simulator/admin/nodes/{node}/fault}.
 */
public enum FaultMode {
    /** Behave like a healthy Agent. */
    NONE,
    /** Answer every {@code migrate_v2v} sent to this node (as source) with an Agent error fault of the node's code. */
    AGENT_ERROR,
    /** Refuse every login on this node, whatever the credentials ({@link AgentFault#LOGIN_REFUSED}). */
    REFUSE_LOGIN,
    /** Answer every request to this node with HTTP 503 and no SOAP body, as a proxy in front of a dead Agent would. */
    HTTP_503,
    /** Carry out each {@code migrate_v2v}, then close the connection instead of answering: the outcome is lost. */
    DROP_AFTER_MIGRATE,
    /** Close the connection on each {@code migrate_v2v} without migrating anything. */
    DROP_BEFORE_MIGRATE,
    /**
     * Accept each {@code migrate_v2v}, then close the connection at once: the answer is lost while the migration
     * proceeds and completes (a connection reset after the request was written).
     */
    DROP_AFTER_ACCEPT,
    /** Accept each {@code migrate_v2v}, then answer HTTP 502 with no SOAP body, as a proxy whose upstream dropped. */
    HTTP_502_AFTER_ACCEPT,
    /** Accept each {@code migrate_v2v}, then answer HTTP 504 with no SOAP body, as a proxy that stopped waiting. */
    HTTP_504_AFTER_ACCEPT,
    /**
     * Accept each {@code migrate_v2v}, send the status line, the headers and the first half of a SOAP answer at once,
     * then nothing more until the migration ends, when the connection is closed: a slow answer cut short.
     */
    PARTIAL_ANSWER_AFTER_ACCEPT,
    /**
     * Hold each {@code migrate_v2v} unanswered and migrate nothing: {@code get_info} keeps showing the container on its
     * source with no transition, locked against other migrations, for as long as the call is held (a stalled Agent). A
     * {@code system/cancel} naming its packet id ends it (answered with the cancelled fault); clearing the fault
     * does not release a call already held.
     */
    STALL,
    /** Carry out each {@code migrate_v2v}, then hold the call unanswered: the container is on the target, idle. */
    STALL_AFTER_MIGRATE,
    /**
     * A careless Agent: refuse each {@code migrate_v2v} with an Agent error (the node's code) whose text repeats the
     * {@code dst/password} it was sent, decoded and as sent (base64). For the worker's secret-leak test.
     */
    ECHO_CREDENTIALS
}
