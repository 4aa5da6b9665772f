package io.relocator.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.relocator.worker.config.RelocatorConfig;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * A record that is not a MigrationRequest, as a record of the dead-letter topic: original key and bytes unchanged,
 * plus the contract's {@code dead-letter-*} headers saying why and where it came from.
 */
@ApplicationScoped
public class DeadLetterRecords {

    private final String topic;

    public DeadLetterRecords(RelocatorConfig config) {
        this.topic = config.topics().deadLetter();
    }

    ProducerRecord<byte[], byte[]> of(IncomingKafkaRecordMetadata<byte[], byte[]> origin, byte[] value, String reason) {
        return new OutgoingRecord(origin.getKey(), value)
                .header("dead-letter-reason", reason)
                .header("dead-letter-topic", origin.getTopic())
                .header("dead-letter-partition", Integer.toString(origin.getPartition()))
                .header("dead-letter-offset", Long.toString(origin.getOffset()))
                .to(topic, null);
    }
}
