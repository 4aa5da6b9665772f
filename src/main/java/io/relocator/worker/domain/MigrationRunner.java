package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Runs one attempt of a request while it holds its node slots: STARTED, the Agent call, then either the terminal
 * event or a decision to try again later (the scheduler frees the slots meanwhile). An answer lost after the request
 * was sent is never blindly resent: the Agents are asked where the Container is, with the slots and the container's
 * lock still held, until that settles it or the reconciliation deadline passes. The returned Uni fails only when an
 * event could not be published.
 */
public final class MigrationRunner {

    private static final Logger LOG = Logger.getLogger(MigrationRunner.class);

    private final AgentPort agent;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Reconciliation reconciliation;
    private final RandomGenerator random;
    private final CircuitBreakers breakers;

    public MigrationRunner(AgentPort agent, Clock clock, RetryPolicy retry, Reconciliation reconciliation,
            RandomGenerator random, CircuitBreakers breakers) {
        this.breakers = breakers;
        this.agent = agent;
        this.clock = clock;
        this.retry = retry;
        this.reconciliation = reconciliation;
        this.random = random;
    }

    /**
     * One attempt. Its STARTED event (the durable mark that the request is in flight) is written before the Agent is
     * called, so that a worker that dies mid-call leaves a mark from which {@link #resume} reconciles.
     */
    public Uni<NextStep> attempt(MigrationRequest request, AttemptHistory history, EventSink events) {
        Instant start = clock.instant();
        if (request.expiredAt(start)) {
            return fail(request, history, expired(history), events);
        }
        Optional<Duration> circuitOpen = breakers.waitBefore(request.sourceNode());
        if (circuitOpen.isPresent()) {
            return waitForCircuit(request, history, circuitOpen.get(), events);
        }
        AttemptHistory current = history.next(start);
        LOG.infof("Migration %s attempt %d started: container %s, %s -> %s", request.requestId(), current.attempts(),
                request.containerId(), request.sourceNode(), request.targetNode());
        return events.started(MigrationEvent.started(request, current.attempts(), start), current.firstStart())
                .chain(() -> agent.migrate(MigrationCall.of(request)))
                .invoke(outcome -> breakers.record(request.sourceNode(),
                        outcome.isCompleted() || outcome.error().code() != ErrorCode.UNREACHABLE))
                .chain(outcome -> outcome.isCompleted() ? complete(request, current, false, events)
                        : outcome.error().code() == ErrorCode.IN_DOUBT
                                ? reconcile(request, current, outcome.error(), events)
                                : afterFailure(request, current, outcome.error(), events));
    }

    /**
     * A request delivered again while its mark says attempt {@code history.attempts()} was in flight (the worker that
     * ran it stopped or lost the request's partition mid-call): nothing is sent before the Agents are asked where the
     * Container is; then it ends COMPLETED (reconciled), is attempted again if it provably did not run, or ends
     * IN_DOUBT after the reconciliation deadline.
     */
    public Uni<NextStep> resume(MigrationRequest request, AttemptHistory history, EventSink events) {
        return reconcile(request, history, new MigrationError(ErrorCode.IN_DOUBT, "the worker lost track of attempt "
                + history.attempts() + " while it was in flight (stopped or rebalanced)", false, null,
                request.sourceNode()), events);
    }

    /** The source's circuit is open: wait without an attempt (and without a slot), unless notAfter comes first. */
    private Uni<NextStep> waitForCircuit(MigrationRequest request, AttemptHistory history, Duration wait,
            EventSink events) {
        if (request.notAfter() != null && clock.instant().plus(wait).isAfter(request.notAfter())) {
            return fail(request, history, expired(history), events);
        }
        return Uni.createFrom().item(new NextStep.RetryAfter(wait, history));
    }

    private Uni<NextStep> afterFailure(MigrationRequest request, AttemptHistory history, MigrationError error,
            EventSink events) {
        AttemptHistory failed = history.failedWith(error);
        if (!retry.allowsRetry(error, history.attempts())) {
            return fail(request, failed, error, events);
        }
        Duration delay = retry.backoff(history.attempts(), random);
        Instant next = clock.instant().plus(delay);
        if (request.notAfter() != null && next.isAfter(request.notAfter())) {
            return fail(request, failed, expired(failed), events);
        }
        if (next.isAfter(history.firstStart().plus(retry.deadline()))) {
            return fail(request, failed, error, events);
        }
        LOG.infof("Migration %s attempt %d failed (%s %s); trying again in %d ms", request.requestId(),
                history.attempts(), error.code(), error.message(), delay.toMillis());
        return Uni.createFrom().item(new NextStep.RetryAfter(delay, failed));
    }

    /** Asks both Agents where the Container is, round after round, until they settle it or the deadline passes. */
    private Uni<NextStep> reconcile(MigrationRequest request, AttemptHistory history, MigrationError lost,
            EventSink events) {
        LOG.warnf("Migration %s: %s; asking the Agents where container %s is", request.requestId(), lost.message(),
                request.containerId());
        return settle(request, history, lost, clock.instant().plus(reconciliation.deadline()), events);
    }

    private Uni<NextStep> settle(MigrationRequest request, AttemptHistory history, MigrationError lost,
            Instant deadline, EventSink events) {
        return Uni.combine().all()
                .unis(agent.locate(request.sourceNode(), request.containerId()),
                        agent.locate(request.targetNode(), request.containerId()))
                .asTuple()
                .chain(answers -> switch (reconciliation.verdict(answers.getItem1(), answers.getItem2())) {
                    case MIGRATED -> complete(request, history, true, events);
                    case NOT_MIGRATED -> afterFailure(request, history, new MigrationError(ErrorCode.IN_DOUBT,
                            lost.message() + "; the Agents show the container still only on the source: not migrated",
                            true, null, lost.node()), events);
                    case UNSETTLED -> clock.instant().isBefore(deadline)
                            ? Uni.createFrom().voidItem().onItem().delayIt().by(reconciliation.interval())
                                    .chain(() -> settle(request, history, lost, deadline, events))
                            : fail(request, history, new MigrationError(ErrorCode.IN_DOUBT, lost.message()
                                    + "; the Agents could not settle where the container is within "
                                    + reconciliation.deadline(), false, null, lost.node()), events);
                });
    }

    private Uni<NextStep> complete(MigrationRequest request, AttemptHistory history, boolean reconciled,
            EventSink events) {
        MigrationEvent event = MigrationEvent.completed(request, history.attempts(), history.firstStart(),
                clock.instant(), reconciled);
        LOG.infof("Migration %s completed in %d ms after %d attempt(s)%s", request.requestId(), event.durationMs(),
                history.attempts(), reconciled ? " (established by asking the Agents)" : "");
        return events.ended(event).replaceWith(NextStep.ENDED);
    }

    private Uni<NextStep> fail(MigrationRequest request, AttemptHistory history, MigrationError error,
            EventSink events) {
        MigrationEvent event = MigrationEvent.failed(request, history.attempts(), history.firstStart(),
                clock.instant(), error);
        LOG.warnf("Migration %s failed after %d attempt(s): %s %s", request.requestId(), history.attempts(),
                error.code(), error.message());
        return events.ended(event).replaceWith(NextStep.ENDED);
    }

    private static MigrationError expired(AttemptHistory history) {
        String last = history.lastError() == null ? "" : "; last error: " + history.lastError().code() + " "
                + history.lastError().message();
        return MigrationError.of(ErrorCode.EXPIRED, "notAfter passed before an attempt could start" + last, true);
    }
}
