package io.relocator.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * Publishes the metrics of the Kafka clients the worker builds itself (not the connector's channels):
 * Micrometer's {@link KafkaClientMetrics}, {@code kafka_producer_*}, {@code kafka_consumer_*} and {@code kafka_admin_*}
 * tagged with the client's {@code client.id}. Whoever closes a client closes what {@code bind} returned right after it,
 * which takes its meters away. Every method runs on the caller's thread, any thread.
 */
@ApplicationScoped
public class KafkaClientMeters {

    private final MeterRegistry registry;

    public KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public KafkaClientMetrics bind(Producer<?, ?> producer) {
        return bound(new KafkaClientMetrics(producer));
    }

    public KafkaClientMetrics bind(Consumer<?, ?> consumer) {
        return bound(new KafkaClientMetrics(consumer));
    }

    public KafkaClientMetrics bind(AdminClient admin) {
        return bound(new KafkaClientMetrics(admin));
    }

    private KafkaClientMetrics bound(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        return metrics;
    }
}
