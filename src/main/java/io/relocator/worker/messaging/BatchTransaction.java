package io.relocator.worker.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * One Kafka transaction of a batch of units, as named steps: begin, send every unit's records, add the consumed
 * offsets, commit. It tries nothing twice but a commit that timed out, and settles nothing: it says what happened as a
 * {@link Result}, and {@link OutcomeTransactions} decides what follows. A transaction that failed is aborted here, so
 * that every send of it has its answer when the result is read (which records Kafka refused for themselves, say).
 *
 * <p>Runs on the committer's thread only (the producer's transactional methods are not meant for several threads).
 */
final class BatchTransaction {

    private final Producer<byte[], byte[]> producer;
    private final List<TransactionUnit> units;
    private final Map<TopicPartition, Long> offsets;
    private final Map<String, ConsumerGroupMetadata> groups;
    private final Runnable onTimeout;
    private final List<Send> sends = new ArrayList<>();

    /**
     * @param offsets   the consumed offsets this transaction commits, each with its topic's consumer group in
     *                  {@code groups}
     * @param onTimeout called each time the broker does not answer the commit in time (it is then committed again)
     */
    BatchTransaction(Producer<byte[], byte[]> producer, List<TransactionUnit> units, Map<TopicPartition, Long> offsets,
            Map<String, ConsumerGroupMetadata> groups, Runnable onTimeout) {
        this.producer = producer;
        this.units = units;
        this.offsets = offsets;
        this.groups = groups;
        this.onTimeout = onTimeout;
    }

    /** What became of the transaction. */
    sealed interface Result {
    }

    /** Committed: every record written, every offset committed. */
    record Committed() implements Result {
    }

    /**
     * The producer can never commit again (fenced by a newer instance, refused by the broker's authorisation...): the
     * worker must stop. Nothing of the transaction is visible.
     */
    record Fatal(KafkaException cause) implements Result {
    }

    /**
     * The transaction failed and was ended: aborted or, when {@code aborted} is false, it could not even be aborted
     * and the producer must be replaced (which ends it). Then {@link #refusals} tells whether it can have been
     * committed.
     */
    record Failed(KafkaException cause, boolean aborted) implements Result {
    }

    /** One record Kafka would not take, and why. */
    record Refusal(ProducerRecord<byte[], byte[]> record, KafkaException why) {
    }

    Result run() {
        try {
            producer.beginTransaction();
            sendRecords();
            sendOffsets();
            commit();
            return new Committed();
        } catch (ProducerFencedException | OutOfOrderSequenceException | UnsupportedVersionException
                | AuthorizationException | AuthenticationException e) {
            return new Fatal(e);
        } catch (KafkaException e) {
            return new Failed(e, abort());
        }
    }

    /** Sends stop at the first that throws: the transaction is then in an error state and refuses every further send. */
    private void sendRecords() {
        for (TransactionUnit unit : units) {
            for (ProducerRecord<byte[], byte[]> record : unit.records()) {
                sends.add(new Send(unit, record, producer.send(record)));
            }
        }
    }

    private void sendOffsets() {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> byTopic = new LinkedHashMap<>();
        offsets.forEach((partition, offset) -> byTopic.computeIfAbsent(partition.topic(), t -> new LinkedHashMap<>())
                .put(partition, new OffsetAndMetadata(offset)));
        byTopic.forEach((topic, topicOffsets) -> producer.sendOffsetsToTransaction(topicOffsets, groups.get(topic)));
    }

    private void commit() {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                onTimeout.run();
            }
        }
    }

    private boolean abort() {
        try {
            producer.abortTransaction();
            return true;
        } catch (KafkaException abortFailed) {
            return false;
        }
    }

    /**
     * After a {@link Failed} transaction has ended (aborted, or its producer closed: either answers every send it still
     * held), the records Kafka refused for themselves: too large for the producer or the topic, or invalid. When there
     * are any, the transaction was surely not committed (a refused send puts it in an error state); when there are
     * none, it may have been (a commit whose answer was lost), which only the outcome store can tell.
     */
    Map<TransactionUnit, List<Refusal>> refusals() {
        Map<TransactionUnit, List<Refusal>> refused = new LinkedHashMap<>();
        for (Send send : sends) {
            KafkaException why = refusedForItself(send.answer());
            if (why != null) {
                refused.computeIfAbsent(send.unit(), u -> new ArrayList<>()).add(new Refusal(send.record(), why));
            }
        }
        return refused;
    }

    /**
     * The reason when a send failed because of the record itself (writing it again would fail again), or null: it was
     * written, is not answered yet, or failed with its transaction.
     */
    private static KafkaException refusedForItself(Future<RecordMetadata> answer) {
        if (!answer.isDone()) {
            return null;
        }
        try {
            answer.get();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof InvalidRecordException ? (KafkaException) cause : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private record Send(TransactionUnit unit, ProducerRecord<byte[], byte[]> record, Future<RecordMetadata> answer) {
    }
}
