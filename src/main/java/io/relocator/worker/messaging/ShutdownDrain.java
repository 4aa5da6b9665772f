package io.relocator.worker.messaging;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationScheduler;
import io.smallrye.mutiny.TimeoutException;

/**
 * On SIGTERM, before the Kafka channels close: stop taking requests, let running migrations reach their outcome
 * (committed with their records' offsets) for up to {@code relocator.shutdown.drain-timeout}, then let the shutdown go
 * on; {@link OutcomeTransactions} then commits what is queued and closes. Calls still running are left uncommitted
 * and are reconciled after redelivery. Requests that waited locally, or between attempts, are not committed and are delivered again after restart.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final MigrationScheduler scheduler;
    private final Duration drainTimeout;

    public ShutdownDrain(MigrationScheduler scheduler, RelocatorConfig config) {
        this.scheduler = scheduler;
        this.drainTimeout = config.shutdown().drainTimeout();
    }

    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stop) {
        int running = scheduler.inFlight();
        LOG.infof("Stopping: no new requests; waiting up to %s for %d running migration(s)", drainTimeout, running);
        try {
            scheduler.closeAndDrain().await().atMost(drainTimeout);
            LOG.info("Every running migration reached its outcome");
        } catch (TimeoutException e) {
            LOG.warnf("%d migration(s) still running after %s: their requests will be delivered again and reconciled",
                    scheduler.inFlight(), drainTimeout);
        }
    }
}
