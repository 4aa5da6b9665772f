package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * Takes one accepted request from its start to its terminal event: STARTED, the Agent call, then COMPLETED or
 * FAILED. Called by the scheduler once the request holds its node slots. The returned Uni completes when the terminal
 * event is acknowledged by the broker, and fails only when an event could not be published.
 */
public final class MigrationRunner {

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
        return events.publish(MigrationEvent.started(request, 1, start))
                .chain(() -> agent.migrate(MigrationCall.of(request)))
                .chain(outcome -> events.publish(terminal(request, outcome, start)));
    }

    private MigrationEvent terminal(MigrationRequest request, AgentOutcome outcome, Instant start) {
        Instant now = clock.instant();
        return outcome.isCompleted()
                ? MigrationEvent.completed(request, 1, start, now, false)
                : MigrationEvent.failed(request, 1, start, now, outcome.error());
    }
}
