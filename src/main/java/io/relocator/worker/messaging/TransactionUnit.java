package io.relocator.worker.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.relocator.worker.domain.RequestMark;

/**
 * Work for one transaction of {@link OutcomeTransactions}: records to write, the marks they carry, and the consumed
 * record they complete (offset {@code completes} of {@code origin}, or none: records about a request of {@code origin}
 * whose record is already done); a flush barrier has no origin. {@code committed}
 * completes once its transaction commits. A stand-in is a unit whose refused records were replaced by
 * {@link DeadLetterRecords#standIn stand-ins}: if Kafka refuses one of those too, it is left out.
 */
record TransactionUnit(TopicPartition origin, Long completes, List<ProducerRecord<byte[], byte[]>> records,
        List<RequestMark> marks, CompletableFuture<Void> committed, boolean standIn) {

    static TransactionUnit of(TopicPartition origin, long completes, List<ProducerRecord<byte[], byte[]>> records,
            List<RequestMark> marks) {
        return new TransactionUnit(origin, completes, records, marks, new CompletableFuture<>(), false);
    }

    /** Records for a request of {@code origin} that completes no consumed record (see {@link OutcomeTransactions#writeFor}). */
    static TransactionUnit forPartition(TopicPartition origin, List<ProducerRecord<byte[], byte[]>> records,
            List<RequestMark> marks) {
        return new TransactionUnit(origin, null, records, marks, new CompletableFuture<>(), false);
    }

    static TransactionUnit barrier() {
        return new TransactionUnit(null, null, List.of(), List.of(), new CompletableFuture<>(), false);
    }

    /** The same unit (same completion), with {@code refused} replaced by {@code replacements}, in order. */
    TransactionUnit replacing(List<ProducerRecord<byte[], byte[]>> refused,
            List<ProducerRecord<byte[], byte[]>> replacements) {
        List<ProducerRecord<byte[], byte[]>> kept = new ArrayList<>(records);
        kept.removeAll(refused);
        kept.addAll(replacements);
        return new TransactionUnit(origin, completes, kept, marks, committed, true);
    }
}
