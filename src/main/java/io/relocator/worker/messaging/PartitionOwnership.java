package io.relocator.worker.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Told by both consumers (requests and parked, see application.properties) when a rebalance moves partitions, on the
 * consumer's polling thread, so before any record of an assigned partition is processed and before a revoked one
 * moves on:
 * <ul>
 * <li>assigned: the partitions are owned, and their outcome marks restored ({@link OutcomeTransactions});</li>
 * <li>revoked: requests that only waited here are dropped ({@link RequestIntake}), what was queued for the partitions
 * is committed, the in-flight marks written for them are flushed, and nothing more is written for them; then their
 * requestIds are no longer handled here. Lost: the same, without the commit.</li>
 * </ul>
 */
@ApplicationScoped
@Identifier(PartitionOwnership.NAME)
public class PartitionOwnership implements KafkaConsumerRebalanceListener {

    static final String NAME = "relocator-partition-ownership";

    private final RequestIntake intake;
    private final OutcomeTransactions transactions;

    public PartitionOwnership(RequestIntake intake, OutcomeTransactions transactions) {
        this.intake = intake;
        this.transactions = transactions;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        transactions.assigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        intake.revoked(partitions);
        transactions.revoked(consumer, partitions, false);
        intake.released(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        intake.revoked(partitions);
        transactions.revoked(consumer, partitions, true);
        intake.released(partitions);
    }
}
