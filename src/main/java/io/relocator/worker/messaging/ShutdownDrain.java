package io.relocator.worker.messaging;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.smallrye.mutiny.TimeoutException;

/**
 * On SIGTERM, before the Kafka channels close: stop taking requests, let running migrations reach their outcome
 * (committed with their records' offsets) for up to {@code relocator.shutdown.drain-timeout}, then let the shutdown go
 * on; {@link OutcomeTransactions} then commits what is queued and closes. Calls still running are left uncommitted
 * and are reconciled by whichever worker owns their partition next. Grants not started here keep their slots and are
 * started by that worker.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final GrantExecutor executor;
    private final Duration drainTimeout;

    public ShutdownDrain(GrantExecutor executor, RelocatorConfig config) {
        this.executor = executor;
        this.drainTimeout = config.shutdown().drainTimeout();
    }

    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stop) {
        int running = executor.inFlight();
        LOG.infof("Stopping: no new requests; waiting up to %s for %d running migration(s)", drainTimeout, running);
        try {
            executor.closeAndDrain().await().atMost(drainTimeout);
            LOG.info("Every running migration reached its outcome");
        } catch (TimeoutException e) {
            LOG.warnf("%d migration(s) still running after %s: their requests will be delivered again and reconciled",
                    executor.inFlight(), drainTimeout);
        }
    }
}
