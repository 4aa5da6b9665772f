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
 * {@link DeadLetterRecords#standIn stand-ins}: if Kafka refuses one of those too, it is left out. A unit with a
 * {@code decision} has its records decided by the committer, from the marks as they are when it is written
 * ({@link CancelSettlement}).
 */
record TransactionUnit(TopicPartition origin, Long completes, List<ProducerRecord<byte[], byte[]>> records,
        List<RequestMark> marks, CompletableFuture<Void> committed, boolean standIn, Decision decision) {

    /** What a unit writes, decided on the committer's thread from the marks known then (those of its batch included). */
    @FunctionalInterface
    interface Decision {
        Decided decide(CancelSettlement.Marks marks);
    }

    /** A decision's records and the marks they carry. */
    record Decided(List<ProducerRecord<byte[], byte[]>> records, List<RequestMark> marks) {
    }

    TransactionUnit(TopicPartition origin, Long completes, List<ProducerRecord<byte[], byte[]>> records,
            List<RequestMark> marks, CompletableFuture<Void> committed, boolean standIn) {
        this(origin, completes, records, marks, committed, standIn, null);
    }

    static TransactionUnit of(TopicPartition origin, long completes, List<ProducerRecord<byte[], byte[]>> records,
            List<RequestMark> marks) {
        return new TransactionUnit(origin, completes, records, marks, new CompletableFuture<>(), false);
    }

    /** The consumed record {@code completes} of {@code origin}, whose records are decided when it is written. */
    static TransactionUnit decided(TopicPartition origin, long completes, Decision decision) {
        return new TransactionUnit(origin, completes, List.of(), List.of(), new CompletableFuture<>(), false,
                decision);
    }

    /** The same unit (same completion), its records and marks decided. */
    TransactionUnit with(Decided decided) {
        return new TransactionUnit(origin, completes, decided.records(), decided.marks(), committed, standIn, null);
    }

    /** The same unit (same completion), with more records and marks. */
    TransactionUnit adding(List<ProducerRecord<byte[], byte[]>> more, List<RequestMark> moreMarks) {
        List<ProducerRecord<byte[], byte[]>> allRecords = new ArrayList<>(records);
        allRecords.addAll(more);
        List<RequestMark> allMarks = new ArrayList<>(marks);
        allMarks.addAll(moreMarks);
        return new TransactionUnit(origin, completes, allRecords, allMarks, committed, standIn, decision);
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
