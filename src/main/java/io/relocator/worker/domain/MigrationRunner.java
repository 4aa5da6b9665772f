package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Takes one accepted request from its start to its terminal event: STARTED, the Agent call, then COMPLETED or
 * FAILED. Called by the scheduler once the request holds its node slots. The returned Uni completes when the terminal
 * event is acknowledged by the broker, and fails only when an event could not be published.
 */
public final class MigrationRunner {

    private static final Logger LOG = Logger.getLogger(MigrationRunner.class);

    private final AgentPort agent;
    private final EventSink events;
    private final Clock clock;

    public MigrationRunner(AgentPort agent, EventSink events, Clock clock) {
        this.agent = agent;
        this.events = events;
        this.clock = clock;
    }

    public Uni<Void> run(MigrationRequest request) {
        Instant start = clock.instant();
        if (request.expiredAt(start)) {
            MigrationError expired = MigrationError.of(ErrorCode.EXPIRED,
                    "notAfter passed while the request waited for a slot", true);
            return events.publish(MigrationEvent.failed(request, 0, null, start, expired));
        }
        LOG.infof("Migration %s started: container %s, %s -> %s", request.requestId(), request.containerId(),
                request.sourceNode(), request.targetNode());
        return events.publish(MigrationEvent.started(request, 1, start))
                .chain(() -> agent.migrate(MigrationCall.of(request)))
                .chain(outcome -> events.publish(terminal(request, outcome, start)));
    }

    private MigrationEvent terminal(MigrationRequest request, AgentOutcome outcome, Instant start) {
        MigrationEvent event = outcome.isCompleted()
                ? MigrationEvent.completed(request, 1, start, clock.instant(), false)
                : MigrationEvent.failed(request, 1, start, clock.instant(), outcome.error());
        if (outcome.isCompleted()) {
            LOG.infof("Migration %s completed in %d ms", request.requestId(), event.durationMs());
        } else {
            LOG.warnf("Migration %s failed after %d ms: %s %s", request.requestId(), event.durationMs(),
                    outcome.error().code(), outcome.error().message());
        }
        return event;
    }
}
