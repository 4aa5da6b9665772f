import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Publishes the benchmark's requests to the worker's requests topic as a producer would in production (JSON value,
 * keyed by containerId, acks=all), and remembers when each was handed to the producer: the start of its queue wait.
 */
final class RequestPublisher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Map<String, Long> publishedAt = new ConcurrentHashMap<>();

    RequestPublisher(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** Sends them all and returns once the broker has acknowledged every one; fails if any was refused. */
    void publish(List<Request> requests) throws Exception {
        AtomicLong failed = new AtomicLong();
        for (Request r : requests) {
            String value = JSON.writeValueAsString(Map.of("requestId", r.id(), "containerId", r.container(),
                    "sourceNode", r.source(), "targetNode", r.target(), "requestedBy", "run-benchmark.sh",
                    "reason", "benchmark"));
            publishedAt.put(r.id(), System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, r.container(), value), (md, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
            });
        }
        producer.flush();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " requests could not be published");
        }
    }

    /** When the request was handed to the producer (epoch ms). */
    long publishedAt(String requestId) {
        return publishedAt.get(requestId);
    }

    @Override
    public void close() {
        producer.close();
    }
}
