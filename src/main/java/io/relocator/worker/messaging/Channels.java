package io.relocator.worker.messaging;

/**
 * Incoming channel names, shared by the code, application.properties and the tests. Topics are set per channel. The
 * worker writes through {@link OutcomeTransactions}, not through outgoing channels.
 */
public final class Channels {

    /** Incoming MigrationRequests (topic {@code relocator.topics.requests}). */
    public static final String REQUESTS = "requests";
    /** Requests handed off because their target node's share of the local queue was full (topic {@code relocator.topics.parked}), read back. */
    public static final String PARKED = "parked";

    private Channels() {
    }
}
