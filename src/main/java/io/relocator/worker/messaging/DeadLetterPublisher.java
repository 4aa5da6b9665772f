package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

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
        RecordHeaders headers = new RecordHeaders();
        add(headers, "dead-letter-reason", reason);
        add(headers, "dead-letter-topic", origin.getTopic());
        add(headers, "dead-letter-partition", Integer.toString(origin.getPartition()));
        add(headers, "dead-letter-offset", Long.toString(origin.getOffset()));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(origin.getKey()).withHeaders(headers).build();
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(value).addMetadata(metadata)));
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
