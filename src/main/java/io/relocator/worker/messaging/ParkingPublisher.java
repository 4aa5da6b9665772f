package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.relocator.worker.domain.MigrationRequest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

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
        RecordHeaders headers = new RecordHeaders();
        add(headers, RECEIVED_AT, request.receivedAt().toString());
        add(headers, PARKED_AT, clock.instant().toString());
        add(headers, PARK_COUNT, Integer.toString(parkCount));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(origin.getKey()).withHeaders(headers).build();
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(value).addMetadata(metadata)));
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
