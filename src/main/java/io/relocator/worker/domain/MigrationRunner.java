package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

import io.smallrye.mutiny.Uni;

/**
 * Runs one attempt of a request while it holds its node slots: STARTED, the Agent call, then either the terminal
 * event or a decision to try again later (the scheduler frees the slots meanwhile). An answer lost after the request
 * was sent is never blindly resent: the Agents are asked where the Container is, with the slots and the container's
 * lock still held, until that settles it or the reconciliation deadline passes; when they prove it did not run, the
 * lost call is cancelled by its packet id before anything is sent again. While a call is out, {@link RunningHeartbeat}
 * publishes its RUNNING heartbeats and abandons it as a lost answer when it stalls. The returned Uni fails only when an
 * event could not be published.
 */
public final class MigrationRunner {

    private static final RequestLog LOG = RequestLog.of(MigrationRunner.class);

    private final AgentPort agent;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Reconciliation reconciliation;
    private final RandomGenerator random;
    private final CircuitBreakers breakers;

    private final RunningHeartbeat heartbeat;
    private final RunObserver observer;

    /** Without heartbeats or stall detection, observed by nothing. */
    public MigrationRunner(AgentPort agent, Clock clock, RetryPolicy retry, Reconciliation reconciliation,
            RandomGenerator random, CircuitBreakers breakers) {
        this(agent, clock, retry, reconciliation, random, breakers, RunningWatch.OFF, RunObserver.NONE);
    }

    /** @param observer told of retries, of how reconciliations end and of calls abandoned as stalled */
    public MigrationRunner(AgentPort agent, Clock clock, RetryPolicy retry, Reconciliation reconciliation,
            RandomGenerator random, CircuitBreakers breakers, RunningWatch watch, RunObserver observer) {
        this.observer = observer;
        this.heartbeat = new RunningHeartbeat(agent, clock, watch, observer::stalled);
        this.breakers = breakers;
        this.agent = agent;
        this.clock = clock;
        this.retry = retry;
        this.reconciliation = reconciliation;
        this.random = random;
    }

    /**
     * One attempt. Its STARTED event (the durable mark that the request is in flight) is written before the Agent is
     * called, so that a worker that dies mid-call leaves a mark from which {@link #resume} reconciles. Called on the
     * scheduler's serial context; the returned Uni completes on the thread that ends the Agent call (or the heartbeat
     * tick that abandoned it as stalled), the last reconciliation round's timer or the event write.
     */
    public Uni<NextStep> attempt(MigrationRequest request, AttemptHistory history, EventSink events) {
        return attempt(request, history, events, new Cancellation());
    }

    /**
     * One attempt of a run that {@code cancellation} may stop: asked before the attempt, it ends CANCELLED without a
     * call; asked while the call is out, the source's Agent is sent {@code system/cancel} with the call's packet id,
     * and once the call has ended the Agents settle it ({@link #stopped}). Threads as for
     * {@link #attempt(MigrationRequest, AttemptHistory, EventSink)}.
     */
    public Uni<NextStep> attempt(MigrationRequest request, AttemptHistory history, EventSink events,
            Cancellation cancellation) {
        Instant start = clock.instant();
        if (cancellation.requested()) {
            return fail(request, history, cancelled(cancellation.why(), history.attempts() == 0
                    ? "before its first attempt; the Agent was never called" : "between attempts"), events);
        }
        if (request.expiredAt(start)) {
            return fail(request, history, expired(history), events);
        }
        CircuitBreakers.Gate gate = breakers.admit(request.sourceNode());
        if (gate instanceof CircuitBreakers.Gate.Wait wait) {
            return waitForCircuit(request, history, wait.delay(), events);
        }
        if (gate instanceof CircuitBreakers.Gate.ProbeDue probe) {
            sendProbe(request, probe.ticket());
            return waitForCircuit(request, history, probe.delay(), events);
        }
        // A new packet id per attempt, kept in the in-flight mark: what system/cancel names if the answer is lost.
        AttemptHistory current = history.next(start, UUID.randomUUID().toString());
        LOG.infof(request, "Migration %s attempt %d started: container %s, %s -> %s (packet %s)", request.requestId(),
                current.attempts(), request.containerId(), request.sourceNode(), request.targetNode(),
                current.packetId());
        AtomicBoolean callOut = new AtomicBoolean();
        return events.started(MigrationEvent.started(request, current.attempts(), start), current.firstStart(),
                current.packetId())
                .chain(() -> {
                    callOut.set(true);
                    cancellation.whenRequested(why -> {
                        if (callOut.get()) {
                            stopCall(request, current.packetId(), why);
                        }
                    });
                    return heartbeat.around(events.trace().agentCall(request.sourceNode(), "migrate_v2v",
                            () -> agent.migrate(MigrationCall.of(request, current.packetId()))), request,
                            current.attempts(), start, events);
                })
                .invoke(() -> callOut.set(false))
                .invoke(outcome -> breakers.record(request.sourceNode(),
                        outcome.isCompleted() || outcome.error().code() != ErrorCode.UNREACHABLE))
                .chain(outcome -> cancellation.requested() ? stopped(request, current, outcome, cancellation, events)
                        : outcome.isCompleted() ? complete(request, current, false, events)
                        : outcome.error().code() == ErrorCode.IN_DOUBT
                                ? reconcile(request, current, outcome.error(), events)
                                : afterFailure(request, current, outcome.error(), events));
    }

    /**
     * A request delivered again while its mark says attempt {@code history.attempts()} was in flight (the worker that
     * ran it stopped or lost the request's partition mid-call): nothing is sent before the Agents are asked where the
     * Container is; then it ends COMPLETED (reconciled), is attempted again if it provably did not run, or ends
     * IN_DOUBT after the reconciliation deadline. Threads as for {@link #attempt}.
     */
    public Uni<NextStep> resume(MigrationRequest request, AttemptHistory history, EventSink events) {
        return resume(request, history, events, new Cancellation());
    }

    /**
     * As {@link #resume(MigrationRequest, AttemptHistory, EventSink)}, for a run that {@code cancellation} may stop:
     * asked already, the lost call is sent {@code system/cancel} by its packet id (when the mark kept it) and the
     * Agents settle it ({@link #stopped}).
     */
    public Uni<NextStep> resume(MigrationRequest request, AttemptHistory history, EventSink events,
            Cancellation cancellation) {
        if (cancellation.requested()) {
            if (history.packetId() != null) {
                stopCall(request, history.packetId(), cancellation.why());
            }
            return stopped(request, history, AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT,
                    "the worker lost track of attempt " + history.attempts() + " while it was in flight", false, null,
                    request.sourceNode())), cancellation, events);
        }
        return reconcile(request, history, new MigrationError(ErrorCode.IN_DOUBT, "the worker lost track of attempt "
                + history.attempts() + " while it was in flight (stopped or rebalanced)", false, null,
                request.sourceNode()), events);
    }

    /**
     * A request whose {@code notAfter} passed while it waited for slots (the fleet's scheduler decided so): it ends
     * EXPIRED without an Agent call. Completes on the thread that makes its terminal event durable.
     */
    public Uni<NextStep> expire(MigrationRequest request, EventSink events) {
        return fail(request, AttemptHistory.NONE, expired(AttemptHistory.NONE), events);
    }

    /**
     * A request the fleet's scheduler ended while it waited (a cancel named it, or its {@code completeBy} passed): it
     * ends CANCELLED without an Agent call. Completes on the thread that makes its terminal event durable.
     */
    public Uni<NextStep> cancelWaiting(MigrationRequest request, String why, EventSink events) {
        return fail(request, AttemptHistory.NONE, cancelled(why, "before it started; the Agent was never called"),
                events);
    }

    /** Asks the source's Agent to drop the call sent with {@code packetId}; its answer is only logged. */
    private void stopCall(MigrationRequest request, String packetId, String why) {
        LOG.infof(request, "Migration %s: %s; sending system/cancel of packet %s to %s", request.requestId(), why, packetId,
                request.sourceNode());
        agent.cancel(request.sourceNode(), packetId).subscribe().with(cancel -> LOG.infof(request, 
                "Migration %s: system/cancel of packet %s: %s%s", request.requestId(), packetId, cancel.result(),
                cancel.error() == null ? "" : " (" + cancel.error().message() + ")"));
    }

    /**
     * The run was asked to stop while its call was out, and the call has ended. Its own COMPLETED stands (too late to
     * cancel); anything else is settled by asking the Agents where the Container is: on the target, COMPLETED
     * (reconciled); idle on the source over the grace period, FAILED CANCELLED; neither by the reconciliation deadline,
     * FAILED IN_DOUBT. Never sent again.
     */
    private Uni<NextStep> stopped(MigrationRequest request, AttemptHistory history, AgentOutcome outcome,
            Cancellation cancellation, EventSink events) {
        if (outcome.isCompleted()) {
            LOG.infof(request, "Migration %s completed before the cancel could stop it (%s)", request.requestId(),
                    cancellation.why());
            return complete(request, history, false, events);
        }
        LOG.infof(request, "Migration %s: its call ended (%s %s) after it was asked to stop; asking the Agents where container"
                + " %s is", request.requestId(), outcome.error().code(), outcome.error().message(),
                request.containerId());
        return settleStopped(request, history, cancellation.why(), outcome.error(),
                reconciliation.begin(clock.instant(), request.sourceNode()), events);
    }

    private Uni<NextStep> settleStopped(MigrationRequest request, AttemptHistory history, String why,
            MigrationError answer, ReconcileState seen, EventSink events) {
        return Uni.combine().all()
                .unis(agent.locate(request.sourceNode(), request.containerId()),
                        agent.locate(request.targetNode(), request.containerId()))
                .asTuple()
                .chain(answers -> {
                    Reconciliation.Decision decision = reconciliation.decide(seen, answers.getItem1(),
                            answers.getItem2(), clock.instant());
                    observeVerdict(decision);
                    return switch (decision.verdict()) {
                        case MIGRATED -> complete(request, history, true, events);
                        case NOT_MIGRATED -> fail(request, history, cancelled(why, "while its call was out (it ended "
                                + answer.code() + "); the Agents show the container idle on the source"), events);
                        case WAIT -> Uni.createFrom().voidItem().onItem().delayIt().by(reconciliation.interval())
                                .chain(() -> settleStopped(request, history, why, answer, decision.seen(), events));
                        case IN_DOUBT -> fail(request, history, new MigrationError(ErrorCode.IN_DOUBT, why
                                + ": asked to stop while its call was out (it ended " + answer.code() + " "
                                + answer.message() + "), and the Agents could not settle where the container is within "
                                + Duration.between(seen.began(), reconciliation.deadlineOf(decision.seen())), false,
                                null, request.sourceNode()), events);
                    };
                });
    }

    private static MigrationError cancelled(String why, String when) {
        return MigrationError.of(ErrorCode.CANCELLED, why + ": stopped " + when, true);
    }

    /**
     * The source's circuit is open: wait without an attempt (and without a slot), unless the wait would pass the
     * request's notAfter (EXPIRED) or the longest wait for a circuit (UNREACHABLE, retryable: nothing was sent).
     */
    private Uni<NextStep> waitForCircuit(MigrationRequest request, AttemptHistory history, Duration wait,
            EventSink events) {
        Instant until = clock.instant().plus(wait);
        if (request.notAfter() != null && until.isAfter(request.notAfter())) {
            return fail(request, history, expired(history), events);
        }
        if (until.isAfter(breakers.waitLimit(request, history))) {
            return fail(request, history, new MigrationError(ErrorCode.UNREACHABLE, "the circuit of "
                    + request.sourceNode() + " stayed open longer than " + breakers.maxWait()
                    + " (its Agent could not be reached); nothing was sent", true, null, request.sourceNode()), events);
        }
        return Uni.createFrom().item(new NextStep.RetryAfter(wait, history));
    }

    /**
     * The half-open circuit's probe: {@code envm/get_info} on the source, never a migration. It runs on its own,
     * holding no slot: the requests waiting on the circuit (this one included) ask again after a short wait.
     */
    private void sendProbe(MigrationRequest request, long ticket) {
        breakers.probe(request.sourceNode(), ticket,
                () -> agent.locate(request.sourceNode(), request.containerId()).map(MigrationRunner::reached))
                .subscribe().with(ignored -> {
                });
    }

    /** The Agent answered (even with an error of its own): only a failure to reach it is not. */
    private static boolean reached(ContainerPresence presence) {
        return presence.isKnown() || presence.error().code() != ErrorCode.UNREACHABLE;
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
        LOG.infof(request, "Migration %s attempt %d failed (%s %s); trying again in %d ms", request.requestId(),
                history.attempts(), error.code(), error.message(), delay.toMillis());
        observer.retried(error.code());
        return Uni.createFrom().item(new NextStep.RetryAfter(delay, failed));
    }

    /**
     * Asks both Agents where the Container is, round after round, until they settle it or the deadline passes
     * ({@link Reconciliation}): the slots and the container's lock stay held all along, and nothing is sent again
     * unless the Agents prove the migration did not run.
     */
    private Uni<NextStep> reconcile(MigrationRequest request, AttemptHistory history, MigrationError lost,
            EventSink events) {
        LOG.warnf(request,
                "Migration %s: %s; asking the Agents where container %s is", request.requestId(), lost.message(),
                request.containerId());
        return events.trace().reconciliation(() -> settle(request, history, lost,
                reconciliation.begin(clock.instant(), request.sourceNode()), events));
    }

    private Uni<NextStep> settle(MigrationRequest request, AttemptHistory history, MigrationError lost,
            ReconcileState seen, EventSink events) {
        return Uni.combine().all()
                .unis(events.trace().agentCall(request.sourceNode(), "get_info",
                        () -> agent.locate(request.sourceNode(), request.containerId())),
                        events.trace().agentCall(request.targetNode(), "get_info",
                                () -> agent.locate(request.targetNode(), request.containerId())))
                .asTuple()
                .chain(answers -> {
                    Reconciliation.Decision decision = reconciliation.decide(seen, answers.getItem1(),
                            answers.getItem2(), clock.instant());
                    observeVerdict(decision);
                    return switch (decision.verdict()) {
                        case MIGRATED -> complete(request, history, true, events);
                        case NOT_MIGRATED -> cancelBeforeRetry(request, history, lost, decision.seen(), events);
                        case WAIT -> Uni.createFrom().voidItem().onItem().delayIt().by(reconciliation.interval())
                                .chain(() -> settle(request, history, lost, decision.seen(), events));
                        case IN_DOUBT -> fail(request, history, new MigrationError(ErrorCode.IN_DOUBT, lost.message()
                                + "; the Agents could not settle where the container is within "
                                + Duration.between(seen.began(), reconciliation.deadlineOf(decision.seen()))
                                + (decision.seen().sawTransition() ? " (it was seen in transition)" : ""),
                                false, null, lost.node()), events);
                    };
                });
    }

    /**
     * The Agents proved over the grace period that the lost call did not run. Before anything is sent again (and
     * before the request is reported FAILED as safe to ask for again), the source's Agent is asked to drop that call
     * by its packet id, in case it holds it without showing it. OK, or an Agent error (it does not know the packet,
     * or does not offer system/cancel), lets the retry go: the grace period's proof holds. No answer sends nothing:
     * reconciliation goes on until its deadline. A mark written before packet ids were kept names none: the grace
     * period is the proof alone.
     */
    private Uni<NextStep> cancelBeforeRetry(MigrationRequest request, AttemptHistory history, MigrationError lost,
            ReconcileState seen, EventSink events) {
        String notMigrated = lost.message() + "; the Agents showed the container idle, only on the source, for "
                + reconciliation.grace() + ": not migrated";
        if (history.packetId() == null) {
            LOG.infof(request,
                    "Migration %s: attempt %d's packet id is not known (an older mark): no system/cancel, the grace"
                    + " period is the proof", request.requestId(), history.attempts());
            return afterFailure(request, history, notMigrated(notMigrated, lost), events);
        }
        return events.trace().agentCall(request.sourceNode(), "cancel",
                () -> agent.cancel(request.sourceNode(), history.packetId())).chain(cancel -> {
            switch (cancel.result()) {
                case CANCELLED:
                    LOG.infof(request, "Migration %s: %s cancelled packet %s of attempt %d", request.requestId(),
                            request.sourceNode(), history.packetId(), history.attempts());
                    return afterFailure(request, history,
                            notMigrated(notMigrated + "; its call (packet " + history.packetId() + ") cancelled", lost),
                            events);
                case REFUSED:
                    LOG.infof(request,
                            "Migration %s: %s refused system/cancel of packet %s (%s %s): the grace period is the"
                            + " proof", request.requestId(), request.sourceNode(), history.packetId(),
                            cancel.error().agentCode(), cancel.error().message());
                    return afterFailure(request, history, notMigrated(notMigrated, lost), events);
                default:
                    return afterUnansweredCancel(request, history, lost, seen, cancel.error(), events);
            }
        });
    }

    /** The cancel that must come before a retry got no answer: nothing is sent; reconcile again, or IN_DOUBT. */
    private Uni<NextStep> afterUnansweredCancel(MigrationRequest request, AttemptHistory history, MigrationError lost,
            ReconcileState seen, MigrationError why, EventSink events) {
        Reconciliation.Decision decision = reconciliation.cancelUnanswered(seen, clock.instant());
        observeVerdict(decision);
        if (decision.verdict() == Reconciliation.Verdict.WAIT) {
            LOG.warnf(request,
                    "Migration %s: system/cancel of packet %s got no answer from %s (%s); nothing sent, asking the"
                    + " Agents again", request.requestId(), history.packetId(), request.sourceNode(), why.message());
            return Uni.createFrom().voidItem().onItem().delayIt().by(reconciliation.interval())
                    .chain(() -> settle(request, history, lost, decision.seen(), events));
        }
        return fail(request, history, new MigrationError(ErrorCode.IN_DOUBT, lost.message()
                + "; the container was idle, only on the source, but system/cancel of packet " + history.packetId()
                + " got no answer (" + why.message() + ") within "
                + Duration.between(seen.began(), reconciliation.deadlineOf(decision.seen())), false, null,
                lost.node()), events);
    }

    /** Proven not migrated: retryable, since the same migration may safely be asked for again. */
    private static MigrationError notMigrated(String message, MigrationError lost) {
        return new MigrationError(ErrorCode.IN_DOUBT, message, true, null, lost.node());
    }

    private Uni<NextStep> complete(MigrationRequest request, AttemptHistory history, boolean reconciled,
            EventSink events) {
        MigrationEvent event = MigrationEvent.completed(request, history.attempts(), history.firstStart(),
                clock.instant(), reconciled);
        LOG.infof(request,
                "Migration %s completed in %d ms after %d attempt(s)%s", request.requestId(), event.durationMs(),
                history.attempts(), reconciled ? " (established by asking the Agents)" : "");
        return events.ended(event).replaceWith(NextStep.ENDED);
    }

    private Uni<NextStep> fail(MigrationRequest request, AttemptHistory history, MigrationError error,
            EventSink events) {
        MigrationEvent event = MigrationEvent.failed(request, history.attempts(), history.firstStart(),
                clock.instant(), error);
        LOG.warnf(request, "Migration %s failed after %d attempt(s): %s %s", request.requestId(), history.attempts(),
                error.code(), error.message());
        return events.ended(event).replaceWith(NextStep.ENDED);
    }

    /** A reconciliation round that settled something (not WAIT) is told to the observer. */
    private void observeVerdict(Reconciliation.Decision decision) {
        if (decision.verdict() != Reconciliation.Verdict.WAIT) {
            observer.reconciled(decision.verdict());
        }
    }

    private static MigrationError expired(AttemptHistory history) {
        String last = history.lastError() == null ? "" : "; last error: " + history.lastError().code() + " "
                + history.lastError().message();
        return MigrationError.of(ErrorCode.EXPIRED, "notAfter passed before an attempt could start" + last, true);
    }
}
