package io.relocator.worker.messaging;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationRequest;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * A request handed off to the parking topic: its own bytes and key, unchanged, in the same partition number as the
 * record it came from (so the same outcome-store partition answers for it), with headers that keep when it was first
 * read (so {@code receivedAt} and {@code notAfter} hold across the hand-off), when it was parked and how often.
 * {@link ParkedRequestConsumer} reads it back.
 */
@ApplicationScoped
public class ParkedRecords {

    static final String RECEIVED_AT = "relocator-received-at";
    static final String PARKED_AT = "relocator-parked-at";
    static final String PARK_COUNT = "relocator-park-count";

    private final String topic;
    private final Clock clock;

    public ParkedRecords(RelocatorConfig config, Clock clock) {
        this.topic = config.topics().parked();
        this.clock = clock;
    }

    ProducerRecord<byte[], byte[]> of(IncomingKafkaRecordMetadata<byte[], byte[]> origin, byte[] value,
            MigrationRequest request, int parkCount) {
        return new OutgoingRecord(origin.getKey(), value)
                .header(RECEIVED_AT, request.receivedAt().toString())
                .header(PARKED_AT, clock.instant().toString())
                .header(PARK_COUNT, Integer.toString(parkCount))
                .to(topic, origin.getPartition());
    }
}
