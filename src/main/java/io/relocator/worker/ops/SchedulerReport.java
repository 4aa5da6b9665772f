package io.relocator.worker.ops;

import java.util.Comparator;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.messaging.RequestIntake;
import io.vertx.core.Vertx;

/**
 * Logs the scheduler's load every {@code relocator.scheduler.report-interval} while requests wait for a slot: the
 * totals, the oldest unacknowledged request, and the ten nodes with the most waiting, each against its bound.
 */
@ApplicationScoped
public class SchedulerReport {

    private static final Logger LOG = Logger.getLogger(SchedulerReport.class);

    private final MigrationScheduler scheduler;
    private final RequestIntake intake;

    public SchedulerReport(MigrationScheduler scheduler, RequestIntake intake) {
        this.scheduler = scheduler;
        this.intake = intake;
    }

    void start(@Observes StartupEvent start, Vertx vertx, RelocatorConfig config) {
        vertx.setPeriodic(config.scheduler().reportInterval().toMillis(), tick -> report());
    }

    void report() {
        if (scheduler.queued() == 0) {
            return;
        }
        String busiest = scheduler.loads().stream().filter(load -> load.queued() > 0)
                .sorted(Comparator.comparingInt(load -> -load.queued())).limit(10)
                .map(load -> String.format("%s in %d/%d queued %d", load.node(), load.incoming(), load.maxIncoming(),
                        load.queued()))
                .collect(Collectors.joining("; "));
        LOG.infof("%d migrations running, %d requests waiting, oldest unacknowledged %d s: %s", scheduler.inFlight(),
                scheduler.queued(), intake.oldestUnacknowledgedAge().toSeconds(), busiest);
    }
}
