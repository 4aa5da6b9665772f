package io.relocator.worker.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Told by both consumers (requests and parked, see application.properties) when a rebalance takes partitions away,
 * so that their requests waiting here never start twice: the partitions' new owner reads them again.
 */
@ApplicationScoped
@Identifier(RevokedPartitions.NAME)
public class RevokedPartitions implements KafkaConsumerRebalanceListener {

    static final String NAME = "relocator-revoked-partitions";

    private final RequestIntake intake;

    public RevokedPartitions(RequestIntake intake) {
        this.intake = intake;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        intake.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        intake.revoked(partitions);
    }
}
