package io.relocator.worker.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from its beginning, as an independent consumer with {@code read_committed}, until what it has
 * read satisfies a condition. Each poll waits for records (no sleeps); the deadline only bounds a failing test.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    public TopicReader(String bootstrap, String topic) {
        this(bootstrap, topic, "read_committed");
    }

    /** @param isolation {@code read_uncommitted} also returns records of aborted and open transactions */
    public TopicReader(String bootstrap, String topic, String isolation) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, isolation);
    }

    /** {@code client}: the bootstrap servers and any security settings ({@link KafkaBrokerResource#clientSettings()}). */
    public TopicReader(Map<String, Object> client, String topic, String isolation) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until the records read so far satisfy {@code done}; fails after {@code timeout}. */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(records)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within " + timeout + " after " + records.size()
                        + " records");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return List.copyOf(records);
    }

    /** Polls until every partition has been read up to the end it had when this was called. */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return readUntil(read -> ends.entrySet().stream()
                .allMatch(end -> consumer.position(end.getKey()) >= end.getValue()), timeout);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
