package io.relocator.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Copies a record that is not a MigrationRequest to the dead-letter topic: original key and bytes unchanged, plus
 * the contract's {@code dead-letter-*} headers saying why and where it came from.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<byte[]> emitter;

    public DeadLetterPublisher(@Channel(Channels.DEAD_LETTER) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** The Uni completes when the broker has acknowledged the copy. */
    public Uni<Void> send(IncomingKafkaRecordMetadata<byte[], byte[]> origin, byte[] value, String reason) {
        return new OutgoingRecord(origin.getKey(), value)
                .header("dead-letter-reason", reason)
                .header("dead-letter-topic", origin.getTopic())
                .header("dead-letter-partition", Integer.toString(origin.getPartition()))
                .header("dead-letter-offset", Long.toString(origin.getOffset()))
                .sendTo(emitter);
    }
}
