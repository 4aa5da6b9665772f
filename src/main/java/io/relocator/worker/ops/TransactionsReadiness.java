package io.relocator.worker.ops;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.relocator.worker.messaging.OutcomeTransactions;

/**
 * Not ready while the worker's transactions fail or time out (the broker is unreachable, say): outcomes wait, nothing
 * is lost, and the worker goes on by itself once the broker answers. The Kafka connector's own checks cover the
 * consumers.
 */
@Readiness
@ApplicationScoped
public class TransactionsReadiness implements HealthCheck {

    private final OutcomeTransactions transactions;

    public TransactionsReadiness(OutcomeTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("relocator-transactions");
        return transactions.failingSince()
                .map(since -> builder.down().withData("failing-since", since.toString()).build())
                .orElseGet(() -> builder.up().build());
    }
}
