package io.relocator.worker.ops;

import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.domain.CircuitBreakers;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.domain.NodeLoad;
import io.relocator.worker.messaging.RequestIntake;

/**
 * Publishes the scheduler's load as gauges (Prometheus format at {@code /q/metrics}): per node of the inventory its
 * bounds, migrations in flight into and out of it and requests queued for it; for the process the totals and the
 * age of the oldest request read but not yet acknowledged (the connector's own check of that is off, see
 * application.properties).
 */
@ApplicationScoped
public class SchedulerMetrics {

    private final MeterRegistry registry;
    private final MigrationScheduler scheduler;
    private final NodeInventory inventory;
    private final RequestIntake intake;

    private final CircuitBreakers breakers;

    public SchedulerMetrics(MeterRegistry registry, MigrationScheduler scheduler, NodeInventory inventory,
            RequestIntake intake, CircuitBreakers breakers) {
        this.breakers = breakers;
        this.registry = registry;
        this.scheduler = scheduler;
        this.inventory = inventory;
        this.intake = intake;
    }

    void register(@Observes StartupEvent start) {
        Gauge.builder("relocator.scheduler.queued", scheduler, MigrationScheduler::queued)
                .description("Requests waiting locally for a slot").register(registry);
        Gauge.builder("relocator.scheduler.in.flight", scheduler, MigrationScheduler::inFlight)
                .description("Migrations running in this process").register(registry);
        Gauge.builder("relocator.requests.oldest.unacknowledged.seconds", intake,
                i -> i.oldestUnacknowledgedAge().toMillis() / 1000.0)
                .description("Age of the oldest request read and not yet acknowledged").register(registry);
        for (String node : inventory.ids()) {
            NodeLoad load = scheduler.loadOf(node);
            nodeGauge("relocator.node.incoming", load, NodeLoad::incoming, "Migrations running into the node");
            nodeGauge("relocator.node.outgoing", load, NodeLoad::outgoing, "Migrations running out of the node");
            nodeGauge("relocator.node.queued", load, NodeLoad::queued, "Requests waiting locally for the node");
            nodeGauge("relocator.node.max.incoming", load, NodeLoad::maxIncoming, "Bound on migrations into the node");
            nodeGauge("relocator.node.max.outgoing", load, NodeLoad::maxOutgoing, "Bound on migrations out of the node");
            nodeGauge("relocator.node.circuit.open", load, l -> breakers.isOpen(l.node()) ? 1 : 0,
                    "1 while no call is sent to the node's Agent after repeated connection failures");
        }
    }

    private void nodeGauge(String name, NodeLoad load, ToDoubleFunction<NodeLoad> value, String description) {
        Gauge.builder(name, load, value).tag("node", load.node()).description(description).register(registry);
    }
}
