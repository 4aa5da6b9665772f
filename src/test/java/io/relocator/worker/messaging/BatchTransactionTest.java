package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Plain unit test of one transaction's steps with Kafka's {@code MockProducer}: each failure branch reached on purpose,
 * no broker. (The same steps against a real broker run in the flow tests, {@code PoisonRecordTest} among them.)
 */
class BatchTransactionTest {

    private static final TopicPartition REQUESTS_0 = new TopicPartition("migration-requests", 0);
    private static final Map<String, ConsumerGroupMetadata> GROUPS = Map.of("migration-requests",
            new ConsumerGroupMetadata("relocator-worker"));
    private static final int SIZE_LIMIT = 1_000;

    private final Producer producer = new Producer();
    private final AtomicInteger timeouts = new AtomicInteger();

    @Test
    void commitsTheRecordsWithTheOffsets() {
        TransactionUnit unit = unit(7, record("events", 10));
        var result = transaction(List.of(unit), Map.of(REQUESTS_0, 8L)).run();
        assertInstanceOf(BatchTransaction.Committed.class, result);
        assertTrue(producer.transactionCommitted());
        assertEquals(1, producer.history().size());
        assertEquals(8L, producer.consumerGroupOffsetsHistory().get(0).get("relocator-worker").get(REQUESTS_0)
                .offset());
    }

    @Test
    void commitsAgainWhileTheBrokerDoesNotAnswerInTime() {
        producer.commitTimeouts = 2;
        var result = transaction(List.of(unit(1, record("events", 10))), Map.of(REQUESTS_0, 2L)).run();
        assertInstanceOf(BatchTransaction.Committed.class, result);
        assertEquals(2, timeouts.get());
    }

    @Test
    void aRecordTooLargeFailsTheTransactionAndIsNamedWithItsUnit() {
        TransactionUnit fine = unit(1, record("events", 10));
        ProducerRecord<byte[], byte[]> huge = record("migration-requests-dlq", SIZE_LIMIT + 1);
        TransactionUnit poisoned = unit(2, huge);
        TransactionUnit after = unit(3, record("events", 10));
        BatchTransaction transaction = transaction(List.of(fine, poisoned, after), Map.of(REQUESTS_0, 4L));
        var failed = assertInstanceOf(BatchTransaction.Failed.class, transaction.run());
        assertTrue(failed.aborted());
        assertTrue(producer.transactionAborted());
        var refusals = transaction.refusals();
        assertEquals(List.of(poisoned), List.copyOf(refusals.keySet()), "only the poisoned unit is named");
        assertSame(huge, refusals.get(poisoned).get(0).record());
        assertInstanceOf(RecordTooLargeException.class, refusals.get(poisoned).get(0).why());
    }

    @Test
    void aCommitThatFailsForTheTransactionNamesNoRecord() {
        producer.commitTransactionException = new KafkaException("coordinator went away");
        BatchTransaction transaction = transaction(List.of(unit(1, record("events", 10))), Map.of(REQUESTS_0, 2L));
        var failed = assertInstanceOf(BatchTransaction.Failed.class, transaction.run());
        assertTrue(failed.aborted());
        assertTrue(transaction.refusals().isEmpty(), "whether it committed is for the outcome store to tell");
    }

    @Test
    void anAbortThatFailsSaysSoSoThatTheProducerIsReplaced() {
        producer.commitTransactionException = new KafkaException("INVALID_TXN_STATE");
        producer.abortTransactionException = new KafkaException("cannot abort either");
        var failed = assertInstanceOf(BatchTransaction.Failed.class,
                transaction(List.of(unit(1, record("events", 10))), Map.of(REQUESTS_0, 2L)).run());
        assertFalse(failed.aborted());
    }

    @Test
    void aFencedProducerIsFatal() {
        producer.commitTransactionException = new ProducerFencedException("a newer instance took the id");
        var fatal = assertInstanceOf(BatchTransaction.Fatal.class,
                transaction(List.of(unit(1, record("events", 10))), Map.of(REQUESTS_0, 2L)).run());
        assertInstanceOf(ProducerFencedException.class, fatal.cause());
        assertFalse(producer.transactionCommitted());
    }

    @Test
    void offsetsRefusedFailTheTransaction() {
        producer.sendOffsetsToTransactionException = new KafkaException("group coordinator moved");
        BatchTransaction transaction = transaction(List.of(unit(1, record("events", 10))), Map.of(REQUESTS_0, 2L));
        assertInstanceOf(BatchTransaction.Failed.class, transaction.run());
        assertFalse(producer.transactionCommitted());
        assertTrue(transaction.refusals().isEmpty());
    }

    private BatchTransaction transaction(List<TransactionUnit> units, Map<TopicPartition, Long> offsets) {
        producer.initTransactions();
        return new BatchTransaction(producer, units, offsets, GROUPS, timeouts::incrementAndGet);
    }

    private static TransactionUnit unit(long offset, ProducerRecord<byte[], byte[]> record) {
        return TransactionUnit.of(REQUESTS_0, offset, List.of(record), List.of());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int size) {
        return new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8), new byte[size]);
    }

    /**
     * A MockProducer that checks sizes as the real client does ({@code max.request.size}: the send's callback and
     * future fail with RecordTooLargeException, the transaction goes into an error state, and every later send of it
     * throws), and whose commit can time out a given number of times.
     */
    private static final class Producer extends MockProducer<byte[], byte[]> {
        int commitTimeouts;
        private KafkaException error;

        Producer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (error != null) {
                throw new KafkaException("Cannot execute transactional method because we are in an error state",
                        error);
            }
            if (record.value().length > SIZE_LIMIT) {
                error = new RecordTooLargeException("The message is " + record.value().length + " bytes");
                if (callback != null) {
                    callback.onCompletion(null, error);
                }
                return CompletableFuture.failedFuture(error);
            }
            return super.send(record, callback);
        }

        @Override
        public void commitTransaction() {
            if (commitTimeouts > 0) {
                commitTimeouts--;
                throw new TimeoutException("commit not answered in time");
            }
            if (error != null) {
                throw new KafkaException("Cannot execute transactional method because we are in an error state",
                        error);
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            super.abortTransaction();
            error = null;
        }
    }
}
