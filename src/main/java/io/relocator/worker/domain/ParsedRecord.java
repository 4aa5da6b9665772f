package io.relocator.worker.domain;

/** What {@link RequestParser} made of one record: one of four ends, each handled differently by the consumer. */
public sealed interface ParsedRecord {

    /**
     * Not a MigrationRequest at all (not JSON, not an object, no usable requestId): goes to the dead-letter topic.
     * The reason is printable ASCII and bounded (it goes into a header and the log).
     */
    record NotARequest(String reason) implements ParsedRecord {
    }

    /** Identified by its requestId but not acceptable: ends with one FAILED event, the Agent never called. */
    record Rejected(RequestEcho echo, MigrationError error) implements ParsedRecord {
    }

    /** A valid cancel of another request (the record has {@code cancels} set). */
    record Cancel(CancelRequest cancel) implements ParsedRecord {
    }

    /** A valid request, ready to schedule. */
    record Accepted(MigrationRequest request) implements ParsedRecord {
    }
}
