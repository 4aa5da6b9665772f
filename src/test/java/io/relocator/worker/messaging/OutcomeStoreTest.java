package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.smallrye.common.annotation.Identifier;

/**
 * The outcome store against the real broker, in a store of the test's own (the application's keeps following the
 * same topic undisturbed).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OutcomeStoreTest {

    static final int MARKS = 20_000; // many polls' worth: a restore takes a while

    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;
    @Inject
    RelocatorConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /**
     * Both consumers (requests and parking) are assigned partition number p at once: whichever asks second must not
     * go on before p's marks are read, though the restore it waits for was started for the other.
     */
    @Test
    void bothTopicsOfOnePartitionNumberWaitForItsRestore() throws Exception {
        int partition = 1;
        String run = "restore-" + UUID.randomUUID() + "-";
        OutcomeStore store = new OutcomeStore(json, clock, config, kafka);
        writeEndedMarks(store, partition, run);
        store.start();
        try {
            List<CompletableFuture<Integer>> restores = List.of(config.topics().parked(), config.topics().requests())
                    .stream().map(topic -> CompletableFuture.supplyAsync(() -> {
                        store.restore(List.of(new TopicPartition(topic, partition)));
                        return endedAmong(store, partition, run);
                    })).toList();
            assertEquals(MARKS, restores.get(0).get(), "marks known when the parking topic's restore returned");
            assertEquals(MARKS, restores.get(1).get(), "marks known when the requests topic's restore returned");
        } finally {
            store.stop();
        }
    }

    private void writeEndedMarks(OutcomeStore store, int partition, String run) {
        Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Instant now = clock.instant();
            IntStream.range(0, MARKS).forEach(i -> producer.send(store.record(partition,
                    new RequestMark(run + i, RequestMark.Stage.ENDED, 1, now, now, now))));
            producer.flush();
        }
    }

    private static int endedAmong(OutcomeStore store, int partition, String run) {
        return (int) IntStream.range(0, MARKS)
                .filter(i -> store.lookup(partition, run + i).map(RequestMark::ended).orElse(false)).count();
    }
}
