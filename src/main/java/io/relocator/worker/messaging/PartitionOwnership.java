package io.relocator.worker.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Told by the requests consumer (see application.properties) when a rebalance moves partitions, on the consumer's
 * polling thread, so before any record of an assigned partition is processed and before a revoked one moves on:
 * <ul>
 * <li>assigned, in this order: the committed offsets are read, the partitions owned and their outcome marks restored
 * up to the log end ({@link OutcomeTransactions}); only then do their live grants start ({@link GrantExecutor});</li>
 * <li>revoked: no grant of theirs starts here any more, records not handed on are dropped ({@link RequestIntake}),
 * what was queued for the partitions is committed, and nothing more is written for them; then their requestIds are no
 * longer handled here. Lost: the same, without the commit.</li>
 * </ul>
 */
@ApplicationScoped
@Identifier(PartitionOwnership.NAME)
public class PartitionOwnership implements KafkaConsumerRebalanceListener {

    static final String NAME = "relocator-partition-ownership";

    private final RequestIntake intake;
    private final OutcomeTransactions transactions;
    private final GrantExecutor executor;

    public PartitionOwnership(RequestIntake intake, OutcomeTransactions transactions, GrantExecutor executor) {
        this.intake = intake;
        this.transactions = transactions;
        this.executor = executor;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        transactions.assigned(consumer, partitions);
        executor.assigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        executor.revoked(partitions);
        intake.revoked(partitions);
        transactions.revoked(consumer, partitions, false);
        intake.released(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        executor.revoked(partitions);
        intake.revoked(partitions);
        transactions.revoked(consumer, partitions, true);
        intake.released(partitions);
    }
}
