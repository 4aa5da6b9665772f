package io.relocator.worker.domain;

/** The contract's error codes, as they appear in {@code error.code} of a FAILED event. */
public enum ErrorCode {
    /** Fields missing or malformed. */
    INVALID_REQUEST,
    /** A node id that is not in the inventory. */
    UNKNOWN_NODE,
    /** {@code notAfter} passed before an attempt could start. */
    EXPIRED,
    /** A login to an Agent was refused. */
    AUTH_FAILED,
    /** An Agent answered with an error. */
    AGENT_ERROR,
    /** No connection, or TLS failure, before the request was sent. */
    UNREACHABLE,
    /** The request was sent but its answer was lost. */
    IN_DOUBT,
    /** A cancel, or {@code completeBy}, stopped it before it moved. */
    CANCELLED,
    /** On a cancel's own event: the request it names did not end {@link #CANCELLED} (unknown, ended, too late). */
    NOT_CANCELLED,
    /** A fault of the worker itself. */
    INTERNAL
}
