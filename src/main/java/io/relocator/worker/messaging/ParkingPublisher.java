package io.relocator.worker.messaging;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.relocator.worker.domain.MigrationRequest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Hands a request off to the parking topic: the request's own bytes and key, unchanged, with headers that keep when
 * it was first read (so {@code receivedAt} and {@code notAfter} hold across the hand-off), when it was parked and
 * how often. {@link ParkedRequestConsumer} reads it back.
 */
@ApplicationScoped
public class ParkingPublisher {

    static final String RECEIVED_AT = "relocator-received-at";
    static final String PARKED_AT = "relocator-parked-at";
    static final String PARK_COUNT = "relocator-park-count";

    private static final Logger LOG = Logger.getLogger(ParkingPublisher.class);

    private final MutinyEmitter<byte[]> emitter;
    private final Clock clock;

    public ParkingPublisher(@Channel(Channels.PARKING) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            MutinyEmitter<byte[]> emitter, Clock clock) {
        this.emitter = emitter;
        this.clock = clock;
    }

    /** The Uni completes when the broker has acknowledged the parked copy. */
    public Uni<Void> park(IncomingKafkaRecordMetadata<byte[], byte[]> origin, byte[] value, MigrationRequest request,
            int parkCount) {
        if (parkCount == 1) {
            LOG.debugf("Request %s parked: node %s has its share of the local queue", request.requestId(),
                    request.targetNode());
        }
        return new OutgoingRecord(origin.getKey(), value)
                .header(RECEIVED_AT, request.receivedAt().toString())
                .header(PARKED_AT, clock.instant().toString())
                .header(PARK_COUNT, Integer.toString(parkCount))
                .sendTo(emitter);
    }
}
