package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.smallrye.common.annotation.Identifier;

/**
 * The outcome store against the real broker, in a store of each test's own (the application's keeps following the
 * same topic undisturbed).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OutcomeStoreTest {

    static final int MARKS = 20_000; // many polls' worth: a restore takes a while

    OutcomeStore store;

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
     * A partition's restore returns only once all its marks are read, many polls' worth of them: no grant of the
     * partition may start before (it would not see that its request ended).
     */
    @Test
    void aRestoreReturnsOnlyOnceAllItsMarksAreRead() {
        int partition = 1;
        String run = "restore-" + UUID.randomUUID() + "-";
        writeEndedMarks(partition, run);
        store.start();
        store.restore(List.of(new TopicPartition(config.topics().requests(), partition)));
        assertEquals(MARKS, endedAmong(partition, run), "marks known when the restore returned");
    }

    /**
     * A commit that reported a failure may have been committed all the same: once the transaction has ended, the
     * store tells which by its ended marks (a transaction writes all of them, or none).
     */
    @Test
    void endedMarksTellACommittedTransactionFromAnAbortedOne() {
        int partition = 2;
        store.start();
        store.restore(List.of(new TopicPartition(config.topics().requests(), partition)));
        String run = "settle-" + UUID.randomUUID() + "-";
        RequestMark committed = ended(run + "committed");
        RequestMark aborted = ended(run + "aborted");
        Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, run + "producer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(store.record(partition, committed));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(store.record(partition, aborted));
            producer.flush(); // in the log, then aborted
            producer.abortTransaction();
        }
        assertEquals(new OutcomeStore.MarksFound(1, 0), store.find(Map.of(partition, List.of(committed))),
                "the committed transaction's mark is found");
        assertEquals(new OutcomeStore.MarksFound(0, 1), store.find(Map.of(partition, List.of(aborted))),
                "the aborted transaction's mark is missing");
        assertEquals(new OutcomeStore.MarksFound(1, 1), store.find(Map.of(partition, List.of(committed, aborted))));
        assertEquals(new OutcomeStore.MarksFound(0, 0), store.find(Map.of(partition + 1, List.of(committed))),
                "a partition not followed here tells nothing");
    }

    /**
     * A worker that lost a request without knowing may write its in-flight mark after the request ended elsewhere.
     * Compaction keeps the latest record of each key: the two marks have different keys, so the end is never
     * compacted away by the later in-flight mark, and a store restored from the topic still knows it ended.
     */
    @Test
    void anInFlightMarkWrittenAfterTheEndNeverTakesItsPlace() {
        int partition = 3;
        String requestId = "zombie-" + UUID.randomUUID();
        RequestMark end = ended(requestId);
        Instant now = clock.instant();
        RequestMark zombie = new RequestMark(requestId, RequestMark.Stage.IN_FLIGHT, 2, now, now, now, null, null, null);
        var endRecord = store.record(partition, end);
        var zombieRecord = store.record(partition, zombie);
        assertFalse(Arrays.equals(endRecord.key(), zombieRecord.key()), "compaction would keep only one of them");
        assertFalse(Arrays.equals(endRecord.key(), store.inFlightCleared(partition, requestId).key()),
                "clearing the in-flight mark must not clear the end");
        Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(endRecord);
            producer.send(zombieRecord);
            producer.flush();
        }
        store.start();
        store.restore(List.of(new TopicPartition(config.topics().requests(), partition)));
        assertTrue(store.ended(partition, requestId), "restored as ended, whatever came after");
    }

    @BeforeEach
    void newStore() {
        store = new OutcomeStore(json, clock, config, kafka, new KafkaClientMeters(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stopStore() {
        store.stop();
    }

    private RequestMark ended(String requestId) {
        Instant now = clock.instant();
        return new RequestMark(requestId, RequestMark.Stage.ENDED, 1, now, now, now, null, null, null);
    }

    private void writeEndedMarks(int partition, String run) {
        Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            IntStream.range(0, MARKS).forEach(i -> producer.send(store.record(partition, ended(run + i))));
            producer.flush();
        }
    }

    private int endedAmong(int partition, String run) {
        return (int) IntStream.range(0, MARKS)
                .filter(i -> store.lookup(partition, run + i).map(RequestMark::ended).orElse(false)).count();
    }
}
