package io.relocator.worker.messaging;

/**
 * Incoming channel names, shared by the code, application.properties and the tests. Topics are set per channel. The
 * worker writes through {@link OutcomeTransactions}, not through outgoing channels.
 */
public final class Channels {

    /** Incoming MigrationRequests (topic {@code relocator.topics.requests}). */
    public static final String REQUESTS = "requests";

    private Channels() {
    }
}
