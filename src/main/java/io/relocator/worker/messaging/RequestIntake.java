package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.relocator.worker.domain.Admission;
import io.relocator.worker.domain.AttemptHistory;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.domain.NextStep;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.RequestParser;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Gives each record read from the requests or the parking topic its end: the dead-letter topic, a FAILED event, the
 * scheduler, or the parking topic when its target node's share of the local queue is full. The returned Uni
 * completes as soon as the record is handed on, so the connector keeps reading while migrations run; the record
 * itself is acknowledged (and later committed) only once its outcome, dead-letter copy or parked copy is
 * acknowledged by the broker. A parsed request is never nacked.
 */
@ApplicationScoped
public class RequestIntake {

    private static final Logger LOG = Logger.getLogger(RequestIntake.class);

    private final RequestParser parser;
    private final MigrationScheduler scheduler;
    private final MigrationRunner runner;
    private final EventPublisher events;
    private final DeadLetterPublisher deadLetters;
    private final ParkingPublisher parking;
    private final Clock clock;
    private final Map<Message<byte[]>, Instant> unacknowledged = new ConcurrentHashMap<>();

    public RequestIntake(RequestParser parser, MigrationScheduler scheduler, MigrationRunner runner,
            EventPublisher events, DeadLetterPublisher deadLetters, ParkingPublisher parking, Clock clock) {
        this.parser = parser;
        this.scheduler = scheduler;
        this.runner = runner;
        this.events = events;
        this.deadLetters = deadLetters;
        this.parking = parking;
        this.clock = clock;
    }

    /**
     * @param receivedAt when the worker first read the request: now, or the time a parked copy carries
     * @param parkCount  how many times the request was parked before
     */
    public Uni<Void> take(Message<byte[]> record, Instant receivedAt, int parkCount) {
        return take(record, parser.parse(record.getPayload(), receivedAt), receivedAt, parkCount);
    }

    /** The same, for a record its caller has already parsed. */
    public Uni<Void> take(Message<byte[]> record, ParsedRecord parsed, Instant receivedAt, int parkCount) {
        unacknowledged.put(record, receivedAt);
        if (parsed instanceof ParsedRecord.Accepted accepted) {
            return schedule(record, accepted.request(), parkCount);
        }
        if (parsed instanceof ParsedRecord.Rejected rejected) {
            LOG.infof("Request %s rejected: %s %s", rejected.echo().requestId(), rejected.error().code(),
                    rejected.error().message());
            MigrationEvent event = MigrationEvent.rejected(rejected.echo(), receivedAt, clock.instant(),
                    rejected.error());
            return handOff(record, events.publish(event, origin(record).getKey()), rejected.echo().requestId());
        }
        String reason = ((ParsedRecord.NotARequest) parsed).reason();
        var origin = origin(record);
        LOG.warnf("Record %s-%d@%d is not a MigrationRequest (%s): sent to the dead-letter topic", origin.getTopic(),
                origin.getPartition(), origin.getOffset(), reason);
        return handOff(record, deadLetters.send(origin, record.getPayload(), reason), "(dead letter)");
    }

    /**
     * After a rebalance took these partitions away: their requests that only waited here are dropped (the new owner
     * reads them again) and no longer counted as unacknowledged. Running ones finish and publish their outcome.
     */
    public void revoked(Collection<TopicPartition> partitions) {
        Set<String> origins = partitions.stream().map(TopicPartition::toString).collect(Collectors.toSet());
        scheduler.dropQueued(origins).subscribe().with(count -> {
            if (count > 0) {
                LOG.infof("Rebalance: %d waiting request(s) of %s dropped; their new owner takes them", count, origins);
            }
        });
        unacknowledged.keySet().removeIf(record -> origins.contains(partition(record)));
    }

    /** Age of the oldest record read but not yet acknowledged; zero when there is none. */
    public Duration oldestUnacknowledgedAge() {
        Instant now = clock.instant();
        return unacknowledged.values().stream().min(Instant::compareTo).map(oldest -> Duration.between(oldest, now))
                .orElse(Duration.ZERO);
    }

    private Uni<Void> schedule(Message<byte[]> record, MigrationRequest request, int parkCount) {
        if (request.expiredAt(clock.instant())) { // ends EXPIRED at once, no slot needed
            return handOff(record, runner.attempt(request, AttemptHistory.NONE).replaceWithVoid(),
                    request.requestId());
        }
        return scheduler.submit(request, partition(record), () -> attempt(record, request, AttemptHistory.NONE))
                .chain(admission -> admission == Admission.QUEUED ? Uni.createFrom().voidItem()
                        : handOff(record, parking.park(origin(record), record.getPayload(), request, parkCount + 1),
                                request.requestId()));
    }

    /**
     * One attempt, run while the request holds its slots. When it ends the request, the record is acknowledged; when
     * it asks for another attempt, the request is offered to the scheduler again after the back-off, holding no slot
     * meanwhile (and waiting for room in its node's share rather than being parked, which would lose its history).
     */
    private Uni<Void> attempt(Message<byte[]> record, MigrationRequest request, AttemptHistory history) {
        return runner.attempt(request, history)
                .invoke(step -> {
                    if (step instanceof NextStep.RetryAfter retry) {
                        // timers take whole milliseconds, at least one
                        Duration delay = Duration.ofMillis(Math.max(1, retry.delay().toMillis()));
                        Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                                .chain(() -> resubmit(record, request, retry.history()))
                                .subscribe().with(ok -> { }, failure -> { });
                    }
                })
                .chain(step -> step instanceof NextStep.Ended ? acknowledge(record) : Uni.createFrom().voidItem())
                .onFailure().invoke(failure -> stop(failure, request.requestId()));
    }

    private Uni<Void> resubmit(Message<byte[]> record, MigrationRequest request, AttemptHistory history) {
        return scheduler.roomFor(request.targetNode())
                .chain(() -> scheduler.submit(request, partition(record), () -> attempt(record, request, history)))
                .chain(admission -> admission == Admission.QUEUED ? Uni.createFrom().voidItem()
                        : resubmit(record, request, history));
    }

    /** Completes at once; the record is acknowledged in the background once {@code outcome} is published. */
    private Uni<Void> handOff(Message<byte[]> record, Uni<Void> outcome, String requestId) {
        finish(record, outcome, requestId).subscribe().with(ok -> { }, failure -> { });
        return Uni.createFrom().voidItem();
    }

    /**
     * Acknowledges the record once its outcome is published. If the outcome cannot be published (the producer gave
     * up after its own retries), the process stops without acknowledging, so the record is delivered again.
     */
    private Uni<Void> finish(Message<byte[]> record, Uni<Void> outcomePublished, String requestId) {
        return outcomePublished
                .chain(() -> acknowledge(record))
                .onFailure().invoke(failure -> stop(failure, requestId));
    }

    private Uni<Void> acknowledge(Message<byte[]> record) {
        return Uni.createFrom().completionStage(record.ack()).invoke(() -> unacknowledged.remove(record));
    }

    private static void stop(Throwable failure, String requestId) {
        LOG.errorf(failure, "The outcome of request %s could not be published: stopping so that it is delivered again",
                requestId);
        Quarkus.asyncExit(1);
    }

    /** The record's topic partition as {@link TopicPartition#toString()} writes it. */
    private static String partition(Message<?> record) {
        var origin = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        return new TopicPartition(origin.getTopic(), origin.getPartition()).toString();
    }

    @SuppressWarnings("unchecked")
    static IncomingKafkaRecordMetadata<byte[], byte[]> origin(Message<byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    }
}
