package io.relocator.worker.messaging;

/** Channel names, shared by the code, application.properties and the tests. Topics are set per channel. */
public final class Channels {

    /** Incoming MigrationRequests (topic {@code relocator.topics.requests}). */
    public static final String REQUESTS = "requests";
    /** Outgoing MigrationEvents (topic {@code relocator.topics.events}). */
    public static final String EVENTS = "events";
    /** Records that are not a MigrationRequest at all (topic {@code relocator.topics.dead-letter}). */
    public static final String DEAD_LETTER = "dead-letter";

    /** Requests handed off because their target node's share of the local queue was full (topic {@code relocator.topics.parked}). */
    public static final String PARKING = "parking";
    /** The same topic, read back. */
    public static final String PARKED = "parked";

    private Channels() {
    }
}
