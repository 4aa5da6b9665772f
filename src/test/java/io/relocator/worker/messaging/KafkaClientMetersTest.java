package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/** A bound client's meters carry its client.id, and go when what {@code bind} returned is closed with the client. */
class KafkaClientMetersTest {

    @Test
    void aBoundProducersMetersCarryItsClientIdAndGoWithIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // a producer connects only when it first sends: no broker is needed to build and bind one
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                ProducerConfig.CLIENT_ID_CONFIG, "relocator-marks-unit"), new ByteArraySerializer(), new ByteArraySerializer());
        KafkaClientMetrics meters = new KafkaClientMeters(registry).bind(producer);

        assertTrue(ofClient(registry, "relocator-marks-unit"), "kafka.producer.* meters tagged with the client.id");

        producer.close(Duration.ZERO);
        meters.close();
        assertFalse(ofClient(registry, "relocator-marks-unit"), "nothing of a closed client stays behind");
    }

    private static boolean ofClient(SimpleMeterRegistry registry, String clientId) {
        return registry.getMeters().stream().map(Meter::getId)
                .anyMatch(id -> id.getName().startsWith("kafka.producer.") && clientId.equals(id.getTag("client.id")));
    }
}
