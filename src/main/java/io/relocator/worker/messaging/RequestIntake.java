package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.relocator.worker.domain.Admission;
import io.relocator.worker.domain.AttemptHistory;
import io.relocator.worker.domain.EventSink;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.domain.NextStep;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.domain.RequestParser;
import io.relocator.worker.messaging.OutcomeTransactions.OutcomeDropped;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Gives each record read from the requests or the parking topic its end: the dead-letter topic, a FAILED event, the
 * scheduler, the parking topic when its target node's share of the local queue is full, or nothing at all when it
 * repeats a requestId this worker has already seen to its end. The returned Uni completes as soon as the record is
 * handed on, so the connector keeps reading while migrations run; the record's offset is committed in the same Kafka
 * transaction as its outcome ({@link OutcomeTransactions}).
 *
 * <p>Idempotency: a requestId whose outcome store mark says it ended is not run again; one whose mark says an attempt
 * was in flight (the worker that ran it stopped or lost the partition) is reconciled with the Agents, not resent; one
 * already being handled here is not started twice.
 */
@ApplicationScoped
public class RequestIntake {

    private static final Logger LOG = Logger.getLogger(RequestIntake.class);

    private final RequestParser parser;
    private final MigrationScheduler scheduler;
    private final MigrationRunner runner;
    private final OutcomeTransactions transactions;
    private final OutcomeStore store;
    private final EventRecords events;
    private final DeadLetterRecords deadLetters;
    private final ParkedRecords parking;
    private final KeyMismatches keys;
    private final Clock clock;
    private final EndedMigrationMeters endedMeters;
    private final Map<ConsumedRecord, Instant> unacknowledged = new ConcurrentHashMap<>();
    /** requestIds being handled here (waiting, running, between attempts), with the partition they were read from. */
    private final Map<String, TopicPartition> active = new ConcurrentHashMap<>();

    public RequestIntake(RequestParser parser, MigrationScheduler scheduler, MigrationRunner runner,
            OutcomeTransactions transactions, OutcomeStore store, EventRecords events, DeadLetterRecords deadLetters,
            ParkedRecords parking, KeyMismatches keys, Clock clock, EndedMigrationMeters endedMeters) {
        this.endedMeters = endedMeters;
        this.parser = parser;
        this.scheduler = scheduler;
        this.runner = runner;
        this.transactions = transactions;
        this.store = store;
        this.events = events;
        this.deadLetters = deadLetters;
        this.parking = parking;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * @param receivedAt when the worker first read the request: now, or the time a parked copy carries
     * @param parkCount  how many times the request was parked before
     */
    public Uni<Void> take(Message<byte[]> message, Instant receivedAt, int parkCount) {
        return take(message, parser.parse(message.getPayload(), receivedAt), receivedAt, parkCount);
    }

    /**
     * The same, for a record its caller has already parsed. The Message is acknowledged here, and nothing of it is
     * kept past this call but where it was read ({@link ConsumedRecord}): its offset is committed in the transaction
     * of its outcome, so the connector (commit strategy {@code ignore}) needs nothing more of it.
     */
    public Uni<Void> take(Message<byte[]> message, ParsedRecord parsed, Instant receivedAt, int parkCount) {
        var origin = origin(message);
        ConsumedRecord record = new ConsumedRecord(partition(message), origin.getOffset());
        message.ack();
        if (!transactions.read(record.partition(), record.offset())) {
            LOG.debugf("Record %s skipped: its partition is no longer this worker's", record);
            return Uni.createFrom().voidItem();
        }
        unacknowledged.put(record, receivedAt);
        if (parsed instanceof ParsedRecord.Accepted accepted) {
            keys.check(origin.getKey(), accepted.request(), record.partition());
            return accept(record, accepted.request(), parkCount);
        }
        if (parsed instanceof ParsedRecord.Rejected rejected) {
            String requestId = rejected.echo().requestId();
            if (active.putIfAbsent(requestId, record.partition()) != null) {
                return duplicate(record, requestId, "it is being handled here already");
            }
            if (store.ended(record.partition().partition(), requestId)) {
                active.remove(requestId);
                return duplicate(record, requestId, "it already ended");
            }
            LOG.infof("Request %s rejected: %s %s", requestId, rejected.error().code(), rejected.error().message());
            MigrationEvent event = MigrationEvent.rejected(rejected.echo(), receivedAt, clock.instant(),
                    rejected.error());
            return handOff(record, ended(record, event, origin.getKey()).invoke(() -> forget(record, requestId)),
                    requestId);
        }
        String reason = ((ParsedRecord.NotARequest) parsed).reason();
        LOG.warnf("Record %s is not a MigrationRequest (%s): sent to the dead-letter topic", record, reason);
        return handOff(record, complete(record, List.of(deadLetters.of(origin, message.getPayload(), reason)),
                List.of()), "(dead letter)");
    }

    /**
     * A rebalance takes these partitions away: their requests that only waited here are dropped (the new owner reads
     * them again). Running ones go on; their outcome is left to the new owner, which reconciles.
     */
    public void revoked(Collection<TopicPartition> partitions) {
        Set<String> origins = partitions.stream().map(TopicPartition::toString).collect(Collectors.toSet());
        scheduler.dropQueued(origins).subscribe().with(count -> {
            if (count > 0) {
                LOG.infof("Rebalance: %d waiting request(s) of %s dropped; their new owner takes them", count, origins);
            }
        });
        unacknowledged.keySet().removeIf(record -> partitions.contains(record.partition()));
    }

    /**
     * The partitions are gone, their queued outcomes committed: their requestIds are no longer handled here. (Not
     * before that commit: a copy read meanwhile from the other topic's partition of the same number would be neither
     * handled here nor ended yet.)
     */
    public void released(Collection<TopicPartition> partitions) {
        active.values().removeIf(partitions::contains);
    }

    /** Age of the oldest record read but whose outcome is not committed yet; zero when there is none. */
    public Duration oldestUnacknowledgedAge() {
        Instant now = clock.instant();
        return unacknowledged.values().stream().min(Instant::compareTo).map(oldest -> Duration.between(oldest, now))
                .orElse(Duration.ZERO);
    }

    private Uni<Void> accept(ConsumedRecord record, MigrationRequest request, int parkCount) {
        String requestId = request.requestId();
        if (active.putIfAbsent(requestId, record.partition()) != null) {
            return duplicate(record, requestId, "it is being handled here already");
        }
        Optional<RequestMark> mark = store.lookup(record.partition().partition(), requestId);
        if (mark.isPresent() && mark.get().ended()) {
            active.remove(requestId);
            return duplicate(record, requestId, "it already ended");
        }
        if (mark.isPresent()) { // in flight when its last worker stopped or lost it: reconcile before anything
            LOG.infof("Request %s was in flight (attempt %d) when its worker stopped or lost it: reconciling",
                    requestId, mark.get().attempt());
            MigrationRequest resumed = request.receivedAt(mark.get().receivedAt());
            return schedule(record, resumed, parkCount, mark.get().history(), true);
        }
        if (request.expiredAt(clock.instant())) { // ends EXPIRED at once, no slot needed
            return handOff(record, runner.attempt(request, AttemptHistory.NONE, sinkFor(record)).replaceWithVoid()
                    .invoke(() -> forget(record, requestId)), requestId);
        }
        return schedule(record, request, parkCount, AttemptHistory.NONE, false);
    }

    private Uni<Void> schedule(ConsumedRecord record, MigrationRequest request, int parkCount,
            AttemptHistory history, boolean resume) {
        return scheduler.submit(request, record.partition().toString(), () -> run(record, request, history, resume))
                .chain(admission -> admission == Admission.QUEUED ? Uni.createFrom().voidItem()
                        : park(record, request, parkCount));
    }

    /**
     * Hands the request off to the parking topic, as the validated request (never the record's own bytes, which may
     * carry anything); from then on it is not handled here (its copy may be read back at once).
     */
    private Uni<Void> park(ConsumedRecord record, MigrationRequest request, int parkCount) {
        forget(record, request.requestId());
        if (parkCount == 0) {
            LOG.debugf("Request %s parked: no room for it in the local queue (node %s)", request.requestId(),
                    request.targetNode());
        }
        return handOff(record, complete(record, List.of(parking.of(record.partition().partition(), request, parkCount + 1)),
                List.of()), request.requestId());
    }

    /**
     * One attempt (or, for a request found in flight, its reconciliation), run while the request holds its slots. When
     * it ends the request, its record is done; when it asks for another attempt, the request is offered to the
     * scheduler again after the back-off, holding no slot meanwhile (and waiting for room in its node's share rather
     * than being parked, which would lose its history).
     */
    private Uni<Void> run(ConsumedRecord record, MigrationRequest request, AttemptHistory history, boolean resume) {
        EventSink sink = sinkFor(record);
        Uni<NextStep> step = resume ? runner.resume(request, history, sink) : runner.attempt(request, history, sink);
        return step
                .invoke(next -> {
                    if (next instanceof NextStep.RetryAfter retry) {
                        // timers take whole milliseconds, at least one
                        Duration delay = Duration.ofMillis(Math.max(1, retry.delay().toMillis()));
                        Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                                .chain(() -> resubmit(record, request, retry.history()))
                                .subscribe().with(ok -> { }, failure -> { });
                    } else {
                        forget(record, request.requestId());
                    }
                })
                .replaceWithVoid()
                .onFailure(OutcomeDropped.class).recoverWithUni(dropped -> left(record, request, dropped))
                .onFailure().invoke(failure -> stop(failure, request.requestId()));
    }

    private Uni<Void> resubmit(ConsumedRecord record, MigrationRequest request, AttemptHistory history) {
        if (!active.containsKey(request.requestId())) { // its partition was taken away meanwhile
            return left(record, request, OutcomeDropped.notOwned(record.partition()));
        }
        return scheduler.resubmit(request, record.partition().toString(), () -> run(record, request, history, false));
    }

    /** The request's outcome is not this worker's to write any more: its partition's new owner reconciles it. */
    private Uni<Void> left(ConsumedRecord record, MigrationRequest request, OutcomeDropped why) {
        LOG.infof("Request %s left to whoever reads its record next (%s)", request.requestId(), why.getMessage());
        unacknowledged.remove(record);
        active.remove(request.requestId(), record.partition());
        return Uni.createFrom().voidItem();
    }

    /** A record that repeats a requestId: done, with nothing written but its offset. */
    private Uni<Void> duplicate(ConsumedRecord record, String requestId, String why) {
        LOG.infof("Request %s delivered again (%s): dropped, %s", requestId, record, why);
        return handOff(record, complete(record, List.of(), List.of()), requestId);
    }

    /** Where one request's events go: each with its mark, the terminal one with the record's offset. */
    private EventSink sinkFor(ConsumedRecord record) {
        return new EventSink() {
            @Override
            public Uni<Void> started(MigrationEvent started, Instant firstStart, String packetId) {
                RequestMark mark = RequestMark.inFlight(started, firstStart, packetId);
                return transactions.writeNow(record.partition(), List.of(events.of(started, null),
                        store.record(record.partition().partition(), mark)), List.of(mark));
            }

            @Override
            public Uni<Void> ended(MigrationEvent terminal) {
                return RequestIntake.this.ended(record, terminal, null);
            }
        };
    }

    private Uni<Void> ended(ConsumedRecord record, MigrationEvent terminal, byte[] fallbackKey) {
        RequestMark mark = RequestMark.ended(terminal);
        int partition = record.partition().partition();
        return complete(record, List.of(events.of(terminal, fallbackKey), store.record(partition, mark),
                store.inFlightCleared(partition, terminal.requestId())), List.of(mark))
                .invoke(() -> acknowledge(record))
                .invoke(() -> endedMeters.ended(terminal));
    }

    /** Writes the record's outcome, and commits its offset, in one transaction. */
    private Uni<Void> complete(ConsumedRecord record, List<ProducerRecord<byte[], byte[]>> outcome,
            List<RequestMark> marks) {
        return transactions.write(record.partition(), record.offset(), outcome, marks);
    }

    /** Completes at once; the record's outcome is committed in the background. */
    private Uni<Void> handOff(ConsumedRecord record, Uni<Void> outcome, String requestId) {
        outcome.invoke(() -> acknowledge(record))
                .onFailure(OutcomeDropped.class).recoverWithItem(dropped -> {
                    LOG.infof("Record of %s left to whoever reads it next (%s)", requestId, dropped.getMessage());
                    return null;
                })
                .subscribe().with(ok -> { }, failure -> stop(failure, requestId));
        return Uni.createFrom().voidItem();
    }

    private void forget(ConsumedRecord record, String requestId) {
        active.remove(requestId, record.partition());
    }

    private void acknowledge(ConsumedRecord record) {
        unacknowledged.remove(record);
    }

    private static void stop(Throwable failure, String requestId) {
        LOG.errorf(failure, "The outcome of request %s could not be committed: stopping so that it is delivered again",
                requestId);
        Quarkus.asyncExit(1);
    }

    private static TopicPartition partition(Message<?> record) {
        var origin = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        return new TopicPartition(origin.getTopic(), origin.getPartition());
    }

    @SuppressWarnings("unchecked")
    static IncomingKafkaRecordMetadata<byte[], byte[]> origin(Message<byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    }
}
