package io.relocator.worker.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes raw records to the requests topic, as an upstream system would, and waits for each to be acknowledged. */
public final class RequestPublisher implements AutoCloseable {

    public static final String TOPIC = "migration-requests";

    private final KafkaProducer<byte[], byte[]> producer;

    public RequestPublisher(String bootstrap) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** {@code client}: the bootstrap servers and any security settings ({@link KafkaBrokerResource#clientSettings()}). */
    public RequestPublisher(Map<String, Object> client) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        // records up to 2 MB leave here; what the broker takes is the broker's to say (about 1 MB by default)
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends to one partition and waits: where the broker put the record. */
    public RecordMetadata sendAndLocate(int partition, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(TOPIC, partition, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not publish a record", e);
        }
    }

    public void send(String key, String value) {
        send(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not publish a request", e);
        }
    }

    /** Sends with record headers ({@code traceparent}, say) and waits. */
    public void send(String key, String value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((name, header) -> record.headers().add(name, header.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not publish a request", e);
        }
    }

    /** Sends without waiting, keyed by {@code key}; {@link #flush()} waits for every send so far. */
    public void sendAsync(String key, String value) {
        producer.send(new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends without waiting, to one partition; {@link #flush()} waits for every send so far. */
    public void sendAsync(int partition, String key, String value) {
        producer.send(new ProducerRecord<>(TOPIC, partition, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    public void flush() {
        producer.flush();
    }

    public static String request(String requestId, String containerId, String source, String target) {
        return """
                {"requestId":"%s","containerId":"%s","sourceNode":"%s","targetNode":"%s","requestedBy":"test"}"""
                .formatted(requestId, containerId, source, target);
    }

    /** A cancel (contract: Cancel) of {@code cancels}, keyed like its request by the containerId. */
    public static String cancel(String requestId, String cancels, String containerId) {
        return """
                {"requestId":"%s","cancels":"%s","containerId":"%s","requestedBy":"test","reason":"stop it"}"""
                .formatted(requestId, cancels, containerId);
    }

    @Override
    public void close() {
        producer.close();
    }
}
