package io.relocator.worker.ops;

import java.util.Comparator;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.ConcurrencyBounds;
import io.relocator.worker.messaging.FleetView;
import io.relocator.worker.messaging.GrantExecutor;
import io.relocator.worker.messaging.RequestIntake;
import io.vertx.core.Vertx;

/**
 * Logs the fleet's load every {@code relocator.scheduler.report-interval} while requests wait for a slot: this
 * process's migrations, the fleet's waiting and granted totals, the oldest unacknowledged request, and the ten nodes
 * with the most waiting, each against its bound.
 */
@ApplicationScoped
public class SchedulerReport {

    private static final Logger LOG = Logger.getLogger(SchedulerReport.class);

    private final FleetView fleet;
    private final GrantExecutor executor;
    private final ConcurrencyBounds bounds;
    private final RequestIntake intake;

    public SchedulerReport(FleetView fleet, GrantExecutor executor, ConcurrencyBounds bounds, RequestIntake intake) {
        this.fleet = fleet;
        this.executor = executor;
        this.bounds = bounds;
        this.intake = intake;
    }

    void start(@Observes StartupEvent start, Vertx vertx, RelocatorConfig config) {
        vertx.setPeriodic(config.scheduler().reportInterval().toMillis(), tick -> report());
    }

    /** On a Vert.x timer (event loop): reads the live views only. */
    void report() {
        if (fleet.waiting() == 0) {
            return;
        }
        String busiest = fleet.nodes().stream().filter(node -> fleet.node(node).waiting() > 0)
                .sorted(Comparator.comparingInt(node -> -fleet.node(node).waiting())).limit(10)
                .map(node -> String.format("%s in %d/%d waiting %d", node, fleet.node(node).incoming(),
                        bounds.incoming(node), fleet.node(node).waiting()))
                .collect(Collectors.joining("; "));
        LOG.infof("%d migrations running here; fleet: %d granted, %d waiting; oldest unacknowledged %d s: %s",
                executor.inFlight(), fleet.granted(), fleet.waiting(), intake.oldestUnacknowledgedAge().toSeconds(),
                busiest);
    }
}
