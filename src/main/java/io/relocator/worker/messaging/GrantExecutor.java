package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.AttemptHistory;
import io.relocator.worker.domain.CallPermits;
import io.relocator.worker.domain.Cancellation;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.EventSink;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.NextStep;
import io.relocator.worker.domain.RequestLog;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.domain.StepTrace;
import io.relocator.worker.messaging.OutcomeTransactions.OutcomeDropped;
import io.relocator.worker.ops.GrantSpans;
import io.relocator.worker.ops.RequestTracing;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Runs the grants of the fleet's scheduler for the requests partitions this worker owns: each granted request is run
 * to its end ({@link MigrationRunner}), holding its slots meanwhile (retries included), and its end is written with
 * the release of its slots in one transaction: terminal event, ended mark, {@code RELEASE(requestId, grant epoch)}.
 *
 * <p>What a grant finds decides what is done: an ended mark (a grant seen again, or a request handed off twice) only
 * releases the slots; an in-flight mark (its last owner stopped or lost the partition mid-call) is reconciled with the
 * Agents, never resent blindly; a request this process is still running (its partition left and came back) is
 * adopted, not started twice; a request the scheduler ends without a migration (expired, or cancelled, while waiting)
 * gets its terminal event. A grant the scheduler marks as cancelled asks its run to stop ({@link Cancellation}), and so
 * does a run still going at its request's {@code completeBy}. At most {@code relocator.concurrency.max-in-flight} grants run here at once ({@link CallPermits}).
 *
 * <p>Threads: {@link #offer} on the fleet view's follower, {@link #assigned} and {@link #revoked} on the requests
 * consumer's polling thread (from the rebalance listener); the migrations themselves on whatever thread ends each step.
 *
 * <p>Each grant's work is traced in the trace its request's intake started ({@link GrantSpans}): the wait for its
 * slots, each attempt, its Agent calls and reconciliations; each event carries the trace context of its step.
 */
@ApplicationScoped
public class GrantExecutor {

    private static final RequestLog REQUEST_LOG = RequestLog.of(GrantExecutor.class);

    private final Map<String, LedgerEntry> running = new ConcurrentHashMap<>();
    /** The stop switch of each run here: asked by a cancel the scheduler passes on, or by the run's completeBy. */
    private final Map<String, Cancellation> cancellations = new ConcurrentHashMap<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calling = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final FleetView view;
    private final MigrationRunner runner;
    private final OutcomeTransactions transactions;
    private final OutcomeStore store;
    private final EventRecords events;
    private final LedgerRecords ledger;
    private final EndedMigrationMeters endedMeters;
    private final CallPermits permits;
    private final String requestsTopic;
    private final Clock clock;
    private final Timer waits;
    private final RequestTracing tracing;
    private volatile boolean closed;

    public GrantExecutor(FleetView view, MigrationRunner runner, OutcomeTransactions transactions,
            OutcomeStore store, EventRecords events, LedgerRecords ledger, EndedMigrationMeters endedMeters,
            RelocatorConfig config, Clock clock, MeterRegistry registry, RequestTracing tracing) {
        this.clock = clock;
        this.tracing = tracing;
        this.waits = Timer.builder("relocator.migrations.wait")
                .description("From a request's first read to its grant starting here (waiting for slots and permits)")
                .publishPercentileHistogram().register(registry);
        this.view = view;
        this.runner = runner;
        this.transactions = transactions;
        this.store = store;
        this.events = events;
        this.ledger = ledger;
        this.endedMeters = endedMeters;
        this.permits = new CallPermits(config.concurrency().maxInFlight());
        this.requestsTopic = config.topics().requests();
    }

    /** Before the fleet view starts following the state topic. */
    void listen(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent event) {
        view.onActionable(this::offer);
    }

    /** A granted or ending entry appeared in the state topic; on the fleet view's follower thread. */
    void offer(LedgerEntry entry) {
        synchronized (owned) {
            if (!closed && owned.contains(entry.partition())) {
                start(entry);
            }
        }
    }

    /**
     * Requests partitions are this worker's from now, their marks restored: their live grants start (or are adopted);
     * on the requests consumer's polling thread.
     */
    void assigned(Collection<TopicPartition> partitions) {
        synchronized (owned) {
            for (TopicPartition partition : partitions) {
                owned.add(partition.partition());
                view.actionable(partition.partition()).forEach(this::start);
            }
        }
    }

    /**
     * Requests partitions are no longer this worker's: no grant of theirs starts here any more. Those running go on;
     * what they write is refused ({@link OutcomeDropped}) unless the partition comes back, and their new owner
     * reconciles them from their marks. On the requests consumer's polling thread.
     */
    void revoked(Collection<TopicPartition> partitions) {
        synchronized (owned) {
            partitions.forEach(partition -> owned.remove(partition.partition()));
        }
    }

    /** Migrations being run here now (holding a permit); any thread. */
    public int inFlight() {
        return calling.get();
    }

    /** Grants waiting here for a permit ({@code max-in-flight} reached); any thread. */
    public int waitingForPermit() {
        return permits.waiting();
    }

    /**
     * Stops starting grants; completes when no migration runs here any more. Grants not started are left to whoever
     * owns their partition next. Any thread.
     */
    public Uni<Void> closeAndDrain() {
        synchronized (owned) {
            closed = true;
            permits.close();
        }
        if (calling.get() == 0) {
            drained.complete(null);
        }
        return Uni.createFrom().completionStage(drained);
    }

    private void start(LedgerEntry entry) {
        String id = entry.requestId();
        if (running.putIfAbsent(id, entry) != null) {
            Cancellation cancellation = cancellations.get(id);
            if (entry.isCancelRequested() && cancellation != null) {
                cancellation.request(cancelledBy(entry));
            } else {
                REQUEST_LOG.infof(entry.request(), "Grant %d of %s: its call from an earlier ownership of the "
                        + "partition still runs here: adopted", entry.epoch(), id);
            }
            return;
        }
        GrantSpans spans = tracing.grant(entry.request());
        TopicPartition origin = new TopicPartition(requestsTopic, entry.partition());
        Optional<RequestMark> mark = store.lookup(entry.partition(), id);
        Cancellation cancellation = new Cancellation();
        Uni<Void> work;
        if (mark.isPresent() && mark.get().ended()) {
            REQUEST_LOG.debugf(entry.request(), "Grant %d of %s: the request already ended, its slots are released",
                    entry.epoch(), id);
            work = transactions.writeFor(origin, List.of(ledger.release(id, entry.epoch())), List.of());
        } else if (entry.state() == LedgerEntry.State.ENDING
                && ErrorCode.CANCELLED.name().equals(entry.reason())) {
            work = runner.cancelWaiting(entry.request(), entry.request().completeByPassedAt(clock.instant())
                    ? "completeBy " + entry.request().completeBy() + " passed" : cancelledBy(entry),
                    sinkFor(entry, origin, spans)).replaceWithVoid();
        } else if (entry.state() == LedgerEntry.State.ENDING) {
            spans.waited(entry.request().receivedAt());
            work = runner.expire(entry.request(), sinkFor(entry, origin, spans)).replaceWithVoid();
        } else if (entry.isCancelRequested() && (mark.isEmpty() || !mark.get().inFlight())) {
            cancellation.request(cancelledBy(entry)); // never called: it ends at once, no permit needed
            spans.waited(entry.request().receivedAt());
            work = runner.attempt(entry.request(), AttemptHistory.NONE, sinkFor(entry, origin, spans), cancellation)
                    .replaceWithVoid();
        } else {
            if (entry.isCancelRequested()) {
                cancellation.request(cancelledBy(entry));
            }
            cancellations.put(id, cancellation);
            Cancellable deadline = completeBy(entry.request(), cancellation);
            work = permits.acquire().chain(() -> {
                calling.incrementAndGet();
                if (mark.isEmpty() || !mark.get().inFlight()) {
                    waits.record(Duration.between(entry.request().receivedAt(), clock.instant()));
                    spans.waited(entry.request().receivedAt());
                }
                return run(entry, origin, mark, cancellation, spans).eventually(this::callEnded);
            }).eventually(() -> {
                deadline.cancel();
                cancellations.remove(id, cancellation);
            });
        }
        work.onTermination().invoke(spans::end).subscribe().with(done -> running.remove(id, entry), failure -> {
            running.remove(id, entry);
            if (failure instanceof OutcomeDropped dropped) {
                REQUEST_LOG.infof(entry.request(), "Request %s left to the new owner of its partition (%s)", id,
                        dropped.getMessage());
            } else {
                REQUEST_LOG.logf(Logger.Level.ERROR, id, entry.request().containerId(), failure, "The outcome of "
                        + "request %s could not be committed: stopping, so that its partition's next owner reconciles "
                        + "it", id);
                Quarkus.asyncExit(1);
            }
        });
    }

    private void callEnded() {
        permits.release();
        if (calling.decrementAndGet() == 0 && closed) {
            drained.complete(null);
        }
    }

    private Uni<Void> run(LedgerEntry entry, TopicPartition origin, Optional<RequestMark> mark,
            Cancellation cancellation, GrantSpans spans) {
        MigrationRequest request = entry.request();
        EventSink sink = sinkFor(entry, origin, spans);
        if (mark.isPresent() && mark.get().inFlight()) {
            REQUEST_LOG.infof(request, "Request %s was in flight (attempt %d) when its worker stopped or lost it: "
                    + "reconciling", request.requestId(), mark.get().attempt());
            return runner.resume(request, mark.get().history(), sink, cancellation)
                    .chain(next -> after(next, request, sink, cancellation, spans));
        }
        return runner.attempt(request, AttemptHistory.NONE, sink, cancellation)
                .chain(next -> after(next, request, sink, cancellation, spans));
    }

    /**
     * Another attempt after the back-off, keeping the grant's slots (and the permit), until the request ends; a run
     * asked to stop meanwhile ends at once, CANCELLED.
     */
    private Uni<Void> after(NextStep next, MigrationRequest request, EventSink sink, Cancellation cancellation,
            GrantSpans spans) {
        spans.attemptEnded();
        if (!(next instanceof NextStep.RetryAfter retry)) {
            return Uni.createFrom().voidItem();
        }
        Duration delay = Duration.ofMillis(Math.max(1, retry.delay().toMillis())); // timers take whole milliseconds
        return cancellation.delay(delay)
                .chain(() -> runner.attempt(request, retry.history(), sink, cancellation))
                .chain(again -> after(again, request, sink, cancellation, spans));
    }

    /** Asks the run to stop at the request's completeBy, if it has one; cancelled when the run ends first. */
    private Cancellable completeBy(MigrationRequest request, Cancellation cancellation) {
        if (request.completeBy() == null) {
            return () -> { };
        }
        Duration left = Duration.between(clock.instant(), request.completeBy());
        String why = "completeBy " + request.completeBy() + " passed";
        if (left.toMillis() <= 0) {
            cancellation.request(why);
            return () -> { };
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(left)
                .subscribe().with(ignored -> cancellation.request(why));
    }

    /** What a cancel's stop says: the cancels pending on the request, as its partition's marks have them. */
    private String cancelledBy(LedgerEntry entry) {
        List<String> cancels = store.pendingCancelsOf(entry.partition(), entry.requestId()).stream()
                .map(RequestMark::requestId).sorted().toList();
        return cancels.isEmpty() ? "cancelled" : "cancelled by " + String.join(", ", cancels);
    }

    /**
     * Where one grant's events go, each with the trace context of its step: STARTED with its in-flight mark, RUNNING
     * heartbeats alone, the terminal one with its ended mark and the release of the grant's slots; all for the
     * partition the request came from.
     */
    private EventSink sinkFor(LedgerEntry entry, TopicPartition origin, GrantSpans spans) {
        int partition = origin.partition();
        return new EventSink() {
            @Override
            public Uni<Void> started(MigrationEvent started, Instant firstStart, String packetId) {
                RequestMark mark = RequestMark.inFlight(started, firstStart, packetId);
                return transactions.writeFor(origin, List.of(events.of(started, null,
                        spans.attemptStarted(started.attempt())), store.record(partition, mark)), List.of(mark));
            }

            @Override
            public StepTrace trace() {
                return spans;
            }

            @Override
            public Uni<Void> running(MigrationEvent running) {
                return transactions.writeFor(origin, List.of(events.of(running, null, spans.current())), List.of());
            }

            @Override
            public Uni<Void> ended(MigrationEvent terminal) {
                RequestMark mark = RequestMark.ended(terminal);
                return transactions.writeFor(origin, List.of(events.of(terminal, null, spans.current()),
                        store.record(partition, mark),
                        store.inFlightCleared(partition, terminal.requestId()),
                        ledger.release(terminal.requestId(), entry.epoch())), List.of(mark))
                        .invoke(() -> endedMeters.ended(terminal));
            }
        };
    }
}
