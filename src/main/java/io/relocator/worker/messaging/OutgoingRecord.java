package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * One record for an outgoing channel (events, dead letters, parking): a key set per record, a value and UTF-8 text
 * headers. {@link #sendTo} completes when the broker has acknowledged it.
 */
final class OutgoingRecord {

    private final byte[] key;
    private final byte[] value;
    private final RecordHeaders headers = new RecordHeaders();

    OutgoingRecord(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    OutgoingRecord header(String name, String text) {
        headers.add(name, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Uni<Void> sendTo(MutinyEmitter<byte[]> emitter) {
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(key).withHeaders(headers).build();
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(value).addMetadata(metadata)));
    }
}
