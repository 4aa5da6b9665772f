package io.relocator.worker.ops;

import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.domain.CircuitBreakers;
import io.relocator.worker.domain.ConcurrencyBounds;
import io.relocator.worker.messaging.FleetView;
import io.relocator.worker.messaging.GrantExecutor;
import io.relocator.worker.messaging.RequestIntake;

/**
 * Publishes the fleet's load as gauges (Prometheus format at {@code /q/metrics}), as the scheduler's state topic says
 * (so every worker process shows the same, whichever holds the scheduling role): per node of the inventory its bounds
 * (with an operator's overrides) and pauses,
 * migrations granted into and out of it and requests waiting for it, and the fleet's totals; for this process its
 * migrations running, grants waiting for a permit, and the age of the oldest request read but not yet handed on.
 */
@ApplicationScoped
public class SchedulerMetrics {

    private static final String PAUSED = "1 while an operator has paused new migrations in this direction of the node";

    private final MeterRegistry registry;
    private final FleetView fleet;
    private final GrantExecutor executor;
    private final ConcurrencyBounds bounds;
    private final NodeInventory inventory;
    private final RequestIntake intake;
    private final CircuitBreakers breakers;

    public SchedulerMetrics(MeterRegistry registry, FleetView fleet, GrantExecutor executor, ConcurrencyBounds bounds,
            NodeInventory inventory, RequestIntake intake, CircuitBreakers breakers) {
        this.registry = registry;
        this.fleet = fleet;
        this.executor = executor;
        this.bounds = bounds;
        this.inventory = inventory;
        this.intake = intake;
        this.breakers = breakers;
    }

    void register(@Observes StartupEvent start) {
        Gauge.builder("relocator.scheduler.waiting", fleet, FleetView::waiting)
                .description("Requests waiting for slots in the whole fleet").register(registry);
        Gauge.builder("relocator.scheduler.granted", fleet, FleetView::granted)
                .description("Migrations holding slots in the whole fleet").register(registry);
        Gauge.builder("relocator.scheduler.in.flight", executor, GrantExecutor::inFlight)
                .description("Migrations running in this process").register(registry);
        Gauge.builder("relocator.scheduler.waiting.for.permit", executor, GrantExecutor::waitingForPermit)
                .description("Grants waiting in this process for a call permit (max-in-flight reached)")
                .register(registry);
        Gauge.builder("relocator.requests.oldest.unacknowledged.seconds", intake,
                i -> i.oldestUnacknowledgedAge().toMillis() / 1000.0)
                .description("Age of the oldest request read and not yet handed on").register(registry);
        for (String node : inventory.ids()) {
            FleetView.NodeCounts counts = fleet.node(node);
            nodeGauge(node, "relocator.node.incoming", counts, FleetView.NodeCounts::incoming,
                    "Migrations into the node, fleet-wide");
            nodeGauge(node, "relocator.node.outgoing", counts, FleetView.NodeCounts::outgoing,
                    "Migrations out of the node, fleet-wide");
            nodeGauge(node, "relocator.node.waiting", counts, FleetView.NodeCounts::waiting,
                    "Requests waiting for the node, fleet-wide");
            nodeGauge(node, "relocator.node.max.incoming", fleet,
                    f -> f.control(node).effectiveIncoming(bounds.incoming(node)),
                    "Bound on migrations into the node now (an operator's override, else the configured one)");
            nodeGauge(node, "relocator.node.max.outgoing", fleet,
                    f -> f.control(node).effectiveOutgoing(bounds.outgoing(node)),
                    "Bound on migrations out of the node now (an operator's override, else the configured one)");
            Gauge.builder("relocator.node.paused", fleet, f -> f.control(node).pausedIn() ? 1 : 0)
                    .tags("node", node, "direction", "in").description(PAUSED).register(registry);
            Gauge.builder("relocator.node.paused", fleet, f -> f.control(node).pausedOut() ? 1 : 0)
                    .tags("node", node, "direction", "out").description(PAUSED).register(registry);
            nodeGauge(node, "relocator.node.drained", counts,
                    c -> fleet.control(node).drained(c.incoming(), c.outgoing()) ? 1 : 0,
                    "1 while the node is paused and nothing runs in its paused directions (maintenance may begin)");
            nodeGauge(node, "relocator.node.circuit.open", breakers, b -> b.isOpen(node) ? 1 : 0,
                    "1 while no call is sent to the node's Agent after repeated connection failures");
        }
    }

    private <T> void nodeGauge(String node, String name, T source, ToDoubleFunction<T> value, String description) {
        Gauge.builder(name, source, value).tag("node", node).description(description).register(registry);
    }
}
