package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds one outgoing Kafka record (an event, a dead letter): key, value, UTF-8 headers. */
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

    /** @param partition the partition to write to, or null to let the key choose */
    ProducerRecord<byte[], byte[]> to(String topic, Integer partition) {
        return new ProducerRecord<>(topic, partition, key, value, headers);
    }
}
