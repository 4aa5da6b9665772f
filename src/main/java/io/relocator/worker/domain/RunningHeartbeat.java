package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.tuples.Tuple2;

/**
 * Watches one attempt's {@code migrate_v2v} call while it is out, on the ticks of a {@link RunningWatch}: at each tick
 * both Agents are asked where the Container is ({@code envm/get_info}), a RUNNING event is published with what they
 * showed, and a call the rule judges stalled is abandoned (its Uni cancelled) and ends as a lost answer
 * ({@code IN_DOUBT}), which the runner reconciles like any other. Nothing here ever delays or fails the call: a
 * heartbeat that cannot be written (the partition was taken away, say) is only logged, and no heartbeat is written
 * once the call has ended, so none follows the request's terminal event.
 */
public final class RunningHeartbeat {

    private static final Logger LOG = Logger.getLogger(RunningHeartbeat.class);

    private final AgentPort agent;
    private final Clock clock;
    private final RunningWatch watch;
    private final Runnable onStall;

    /** @param onStall told of each call abandoned as stalled (a counter) */
    public RunningHeartbeat(AgentPort agent, Clock clock, RunningWatch watch, Runnable onStall) {
        this.agent = agent;
        this.clock = clock;
        this.watch = watch;
        this.onStall = onStall;
    }

    /**
     * {@code call}, watched from its subscription until it ends. Any thread; ticks run on Mutiny's timer and on the
     * threads that end the {@code get_info} calls, and the returned Uni completes on the thread that ends the call, or
     * on a tick's when it was judged stalled.
     */
    public Uni<AgentOutcome> around(Uni<AgentOutcome> call, MigrationRequest request, int attempt,
            Instant attemptStart, EventSink events) {
        if (!watch.enabled()) {
            return call;
        }
        return Uni.createFrom().emitter(emitter -> new Watched(request, attempt, attemptStart, events, emitter)
                .start(call));
    }

    /** One call's watch: its timer, and whether it has ended (every change under {@code this}). */
    private final class Watched {

        private final MigrationRequest request;
        private final int attempt;
        private final Instant attemptStart;
        private final EventSink events;
        private final UniEmitter<? super AgentOutcome> emitter;
        private boolean ended;
        private Cancellable timer;
        private Cancellable call;

        Watched(MigrationRequest request, int attempt, Instant attemptStart, EventSink events,
                UniEmitter<? super AgentOutcome> emitter) {
            this.request = request;
            this.attempt = attempt;
            this.attemptStart = attemptStart;
            this.events = events;
            this.emitter = emitter;
        }

        void start(Uni<AgentOutcome> outgoing) {
            emitter.onTermination(this::dropped);
            Cancellable subscription = outgoing.subscribe().with(this::answered, this::broke);
            synchronized (this) {
                call = subscription;
            }
            schedule();
        }

        /** Whoever waits for the attempt cancelled it: the call and its watch stop (no-op once ended). */
        private void dropped() {
            Cancellable outgoing;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                if (timer != null) {
                    timer.cancel();
                }
                outgoing = call;
            }
            if (outgoing != null) {
                outgoing.cancel();
            }
        }

        private void answered(AgentOutcome outcome) {
            if (end()) {
                emitter.complete(outcome);
            }
        }

        private void broke(Throwable failure) {
            if (end()) {
                emitter.fail(failure);
            }
        }

        /** Marks the call ended and stops the timer; false when it had ended already. */
        private synchronized boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            if (timer != null) {
                timer.cancel();
            }
            return true;
        }

        private void schedule() {
            Duration elapsed = elapsed();
            Duration tick = watch.nextTickAfter(elapsed);
            // whole milliseconds, rounded up: a tick never fires before its time
            Duration delay = Duration.ofMillis(Math.max(1, (tick.minus(elapsed).toNanos() + 999_999) / 1_000_000));
            synchronized (this) {
                if (!ended) {
                    timer = Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe()
                            .with(ignored -> tick(tick));
                }
            }
        }

        private void tick(Duration tick) {
            Uni.combine().all().unis(agent.locate(request.sourceNode(), request.containerId()),
                    agent.locate(request.targetNode(), request.containerId())).asTuple()
                    .subscribe().with(answers -> look(tick, answers), failure -> {
                        // an AgentPort never fails its Uni; should one, this tick settles nothing and the watch goes on
                        LOG.debugf("Heartbeat of %s: get_info failed: %s", request.requestId(), failure.getMessage());
                        schedule();
                    });
        }

        private void look(Duration tick, Tuple2<ContainerPresence, ContainerPresence> answers) {
            Duration elapsed = elapsed();
            int heartbeat = watch.heartbeatAt(tick);
            if (heartbeat > 0) {
                publish(MigrationEvent.running(request, attempt, heartbeat, attemptStart, clock.instant(),
                        RunningAgents.of(answers.getItem1(), answers.getItem2())));
            }
            RunningWatch.Verdict verdict = watch.judge(elapsed, answers.getItem1(), answers.getItem2());
            if (verdict == RunningWatch.Verdict.KEEP_WAITING) {
                schedule();
            } else {
                stalled(verdict, elapsed);
            }
        }

        /** Written only while the call is out, and queued before its end can be: no heartbeat after the terminal event. */
        private void publish(MigrationEvent running) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                events.running(running).subscribe().with(ignored -> {
                }, failure -> LOG.debugf("Heartbeat %s not written: %s", running.cloudEventId(), failure.getMessage()));
            }
        }

        private void stalled(RunningWatch.Verdict verdict, Duration elapsed) {
            Cancellable abandoned;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                abandoned = call;
            }
            if (abandoned != null) {
                abandoned.cancel();
            }
            onStall.run();
            String seen = verdict == RunningWatch.Verdict.ARRIVED_UNANSWERED
                    ? "the Agents show the container on " + request.targetNode() + " with no transition"
                    : "the Agents show no transition of the container, and it is not on " + request.targetNode();
            LOG.warnf("Migration %s attempt %d: no answer to migrate_v2v after %d ms and %s: the call is abandoned as"
                    + " a lost answer", request.requestId(), attempt, elapsed.toMillis(), seen);
            emitter.complete(AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "no answer to migrate_v2v"
                    + " after " + watch.stallTimeout() + " and " + seen + " (stalled call abandoned)", false, null,
                    request.sourceNode())));
        }

        private Duration elapsed() {
            return Duration.between(attemptStart, clock.instant());
        }
    }
}
