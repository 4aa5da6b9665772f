package io.relocator.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.PrintableText;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Records of the dead-letter topic, with the contract's {@code dead-letter-*} headers saying why and where each came
 * from: a record that is not a MigrationRequest (original key and bytes unchanged), and the bounded stand-in for a
 * record Kafka refused to take (without its payload).
 */
@ApplicationScoped
public class DeadLetterRecords {

    /** Longest key a stand-in keeps; a longer one (the refused record's own, perhaps) is left out. */
    static final int STAND_IN_KEY_LIMIT = 256;
    static final String REASON = "dead-letter-reason";
    /** The reason header quotes what it got (a parser's message, an exception's): printable ASCII, bounded. */
    static final int REASON_LIMIT = 1024;

    private final String topic;

    public DeadLetterRecords(RelocatorConfig config) {
        this.topic = config.topics().deadLetter();
    }

    ProducerRecord<byte[], byte[]> of(IncomingKafkaRecordMetadata<byte[], byte[]> origin, byte[] value, String reason) {
        return of(origin.getKey(), value, reason, origin.getTopic(), origin.getPartition(), origin.getOffset());
    }

    /**
     * What is written instead of {@code refused} when Kafka will not take it (too large for the producer or the
     * topic, say), so that the consumed record at {@code offset} of {@code origin} still ends and everything else goes
     * on: no value, the key only when it is short, and the reason, naming the record that was not written and its size.
     * The consumed record itself stays in its topic, at that offset, until retention.
     */
    ProducerRecord<byte[], byte[]> standIn(TopicPartition origin, long offset, ProducerRecord<byte[], byte[]> refused,
            Exception why) {
        byte[] key = refused.key() != null && refused.key().length <= STAND_IN_KEY_LIMIT ? refused.key() : null;
        int size = (refused.key() == null ? 0 : refused.key().length)
                + (refused.value() == null ? 0 : refused.value().length);
        String reason = "Kafka refused the " + refused.topic() + " record written for it (" + size + " bytes of key "
                + "and value): " + why.getClass().getSimpleName() + ": " + why.getMessage();
        return of(key, null, reason, origin.topic(), origin.partition(), offset);
    }

    private ProducerRecord<byte[], byte[]> of(byte[] key, byte[] value, String reason, String originTopic,
            int originPartition, long originOffset) {
        return new OutgoingRecord(key, value)
                .header(REASON, PrintableText.of(reason, REASON_LIMIT))
                .header("dead-letter-topic", originTopic)
                .header("dead-letter-partition", Integer.toString(originPartition))
                .header("dead-letter-offset", Long.toString(originOffset))
                .to(topic, null);
    }
}
