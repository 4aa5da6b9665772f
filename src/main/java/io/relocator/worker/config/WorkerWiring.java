package io.relocator.worker.config;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.relocator.worker.ops.RunMeters;
import io.relocator.worker.domain.AgentPort;
import io.relocator.worker.domain.CircuitBreakers;
import io.relocator.worker.domain.ConcurrencyBounds;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.Reconciliation;
import io.relocator.worker.domain.RetryPolicy;
import io.relocator.worker.domain.RunningWatch;
import io.relocator.worker.domain.RequestParser;

/** Builds the plain domain objects from the configuration, so the domain package stays free of CDI and config. */
public class WorkerWiring {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    RequestParser requestParser(ObjectMapper json, NodeInventory inventory, RelocatorConfig config) {
        return new RequestParser(json, inventory.ids(), config.migrationTypes());
    }

    @Produces
    @Singleton
    ConcurrencyBounds concurrencyBounds(RelocatorConfig config, NodeInventory inventory) {
        RelocatorConfig.Concurrency c = config.concurrency();
        return new ConcurrencyBounds(c.perTargetNode(), c.perSourceNode(), c.maxInFlight(),
                perNode(inventory, node -> node.maxIncoming().isPresent() ? node.maxIncoming().getAsInt() : null),
                perNode(inventory, node -> node.maxOutgoing().isPresent() ? node.maxOutgoing().getAsInt() : null));
    }

    @Produces
    @Singleton
    CircuitBreakers circuitBreakers(RelocatorConfig config, Clock clock) {
        return new CircuitBreakers(config.circuit().failureThreshold(), config.circuit().coolDown(),
                config.circuit().maxWait(), clock);
    }

    @Produces
    @Singleton
    MigrationRunner migrationRunner(AgentPort agent, Clock clock, RelocatorConfig config, NodeInventory inventory,
            CircuitBreakers breakers, MeterRegistry registry) {
        RelocatorConfig.Retry retry = config.retry();
        RelocatorConfig.Reconcile reconcile = config.reconcile();
        return new MigrationRunner(agent, clock,
                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff(), retry.deadline(),
                        Set.copyOf(retry.agentCodes().orElse(List.of()))),
                new Reconciliation(reconcile.interval(), reconcile.deadline(), reconcile.grace(),
                        config.agent().receiveTimeout(), perNodeDuration(inventory, node -> node.receiveTimeout()
                                .orElse(null))),
                new SplittableRandom(), breakers, new RunningWatch(config.events().runningInterval(),
                        config.agent().stallTimeout(), reconcile.interval()), new RunMeters(registry));
    }

    /** The nodes' own values, for the nodes that set one. */
    private static Map<String, Duration> perNodeDuration(NodeInventory inventory,
            Function<RelocatorConfig.Node, Duration> override) {
        Map<String, Duration> values = new HashMap<>();
        inventory.nodes().forEach((id, node) -> {
            Duration value = override.apply(node);
            if (value != null) {
                values.put(id, value);
            }
        });
        return values;
    }

    private static Map<String, Integer> perNode(NodeInventory inventory,
            Function<RelocatorConfig.Node, Integer> override) {
        Map<String, Integer> values = new HashMap<>();
        inventory.nodes().forEach((id, node) -> {
            Integer value = override.apply(node);
            if (value != null) {
                values.put(id, value);
            }
        });
        return values;
    }
}
