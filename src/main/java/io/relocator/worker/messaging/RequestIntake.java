package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;

import io.relocator.worker.domain.AttemptHistory;
import io.relocator.worker.domain.CancelRequest;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;
import io.relocator.worker.domain.EventSink;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;

import io.relocator.worker.domain.NextStep;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.PrintableText;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.domain.RequestLog;
import io.relocator.worker.domain.RequestParser;
import io.relocator.worker.domain.TraceContext;
import io.relocator.worker.messaging.OutcomeTransactions.OutcomeDropped;
import io.relocator.worker.ops.RequestTracing;
import io.relocator.worker.ops.TracedStep;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Gives each record read from the requests topic its end: the dead-letter topic, a FAILED event, the hand-off to the
 * fleet's scheduler, or nothing at all when it repeats a requestId this worker has already seen. The returned Uni
 * completes as soon as the record is handed on, so the connector keeps reading; the record's offset is committed in
 * the same Kafka transaction as its outcome ({@link OutcomeTransactions}).
 *
 * <p>A valid request is handed off in one transaction: {@code WANT} to the scheduler's inbox, a {@code HANDED_OFF}
 * mark to the outcome store, and the record's offset. Intake never waits for a slot, so no record's offset is held for
 * the length of anyone's migration. Idempotency: a requestId with any mark (handed off, in flight, ended) is not
 * handed off again; one being handed off here already is not handed off twice.
 *
 * <p>A cancel (a record with {@code cancels}) is deduplicated by its own requestId, then decided from the mark of the
 * request it names when its transaction is written ({@link CancelSettlement}); so is a request's hand-off, which ends
 * it CANCELLED instead when a cancel named it before it arrived.
 *
 * <p>The intake of a request (valid or not) is a span of its trace ({@link RequestTracing#intake}), child of the
 * record's {@code traceparent}; the request is handed off with that span's context, its FAILED event carries it.
 */
@ApplicationScoped
public class RequestIntake {

    private static final Logger LOG = Logger.getLogger(RequestIntake.class);
    private static final RequestLog REQUEST_LOG = RequestLog.of(RequestIntake.class);

    private final RequestParser parser;
    private final OutcomeTransactions transactions;
    private final OutcomeStore store;
    private final EventRecords events;
    private final DeadLetterRecords deadLetters;
    private final LedgerRecords ledger;
    private final KeyMismatches keys;
    private final Clock clock;
    private final EndedMigrationMeters endedMeters;
    private final RequestTracing tracing;
    private final Map<ConsumedRecord, Instant> unacknowledged = new ConcurrentHashMap<>();
    /** requestIds being handed off or rejected here, with the partition they were read from, until committed. */
    private final Map<String, TopicPartition> active = new ConcurrentHashMap<>();

    public RequestIntake(RequestParser parser, OutcomeTransactions transactions, OutcomeStore store,
            EventRecords events, DeadLetterRecords deadLetters, LedgerRecords ledger, KeyMismatches keys, Clock clock,
            EndedMigrationMeters endedMeters, RequestTracing tracing) {
        this.endedMeters = endedMeters;
        this.tracing = tracing;
        this.parser = parser;
        this.transactions = transactions;
        this.store = store;
        this.events = events;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Takes one record of the requests topic, read at {@code receivedAt}; on the connector's thread. The Message is
     * acknowledged here, and nothing of it is kept past this call but where it was read ({@link ConsumedRecord}): its
     * offset is committed in the transaction of its outcome, so the connector (commit strategy {@code ignore}) needs
     * nothing more of it.
     */
    public Uni<Void> take(Message<byte[]> message, Instant receivedAt) {
        ParsedRecord parsed = parser.parse(message.getPayload(), receivedAt);
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
            MigrationRequest request = accepted.request();
            TracedStep intake = intake(origin, request.requestId(), request.containerId());
            return accept(record, request.withTrace(intake.context()), intake);
        }
        if (parsed instanceof ParsedRecord.Cancel cancel) {
            CancelRequest named = cancel.cancel();
            return cancel(record, named, intake(origin, named.requestId(), named.containerId()));
        }
        if (parsed instanceof ParsedRecord.Rejected rejected) {
            String requestId = rejected.echo().requestId();
            // a rejected request's containerId may be anything: made printable before a log line or span names it
            String containerId = rejected.echo().containerId() == null ? null
                    : PrintableText.of(rejected.echo().containerId(), 64);
            TracedStep intake = intake(origin, requestId, containerId);
            if (active.putIfAbsent(requestId, record.partition()) != null) {
                return duplicate(record, requestId, containerId, "it is being handled here already", intake);
            }
            if (store.ended(record.partition().partition(), requestId)) {
                active.remove(requestId);
                return duplicate(record, requestId, containerId, "it already ended", intake);
            }
            REQUEST_LOG.logf(Logger.Level.INFO, requestId, containerId, null, "Request %s rejected: %s %s", requestId,
                    rejected.error().code(), rejected.error().message());
            MigrationEvent event = MigrationEvent.rejected(rejected.echo(), receivedAt, clock.instant(),
                    rejected.error());
            return handOff(record, ended(record, event, origin.getKey(), intake.context()), requestId,
                    intake.outcome("rejected"));
        }
        String reason = ((ParsedRecord.NotARequest) parsed).reason();
        LOG.warnf("Record %s is not a MigrationRequest (%s): sent to the dead-letter topic", record, reason);
        return handOff(record, complete(record, List.of(deadLetters.of(origin, message.getPayload(), reason)),
                List.of()), null, null);
    }

    /** A rebalance takes these partitions away: their records not yet handed on are the new owner's to read again. */
    public void revoked(Collection<TopicPartition> partitions) {
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

    private Uni<Void> accept(ConsumedRecord record, MigrationRequest request, TracedStep intake) {
        String requestId = request.requestId();
        if (active.putIfAbsent(requestId, record.partition()) != null) {
            return duplicate(record, requestId, request.containerId(), "it is being handled here already", intake);
        }
        Optional<RequestMark> mark = store.lookup(record.partition().partition(), requestId);
        if (mark.isPresent() && !mark.get().cancelledBeforeArrival()) {
            active.remove(requestId);
            return duplicate(record, requestId, request.containerId(), "it was " + mark.get().stage() + " already",
                    intake);
        }
        int partition = record.partition().partition();
        AtomicReference<MigrationEvent> ended = new AtomicReference<>();
        return handOff(record, transactions.writeDecided(record.partition(), record.offset(),
                marks -> handOffOrEnd(request, partition, marks, ended))
                .invoke(() -> Optional.ofNullable(ended.get()).ifPresent(endedMeters::ended)), requestId,
                intake.outcome("handed off"));
    }

    /**
     * Decided when it is written (on the committer's thread), so a cancel written just before, in the same batch or
     * not, is seen: a request a cancel named before it arrived ends FAILED CANCELLED without an Agent call; otherwise
     * it is handed to the fleet's scheduler.
     */
    private TransactionUnit.Decided handOffOrEnd(MigrationRequest request, int partition,
            CancelSettlement.Marks marks, AtomicReference<MigrationEvent> ended) {
        String requestId = request.requestId();
        Optional<RequestMark> mark = marks.lookup(partition, requestId);
        if (mark.isPresent() && !mark.get().cancelledBeforeArrival()) {
            REQUEST_LOG.infof(request, "Request %s delivered again: dropped, it was %s already", requestId,
                    mark.get().stage());
            return new TransactionUnit.Decided(List.of(), List.of());
        }
        if (mark.isPresent()) {
            MigrationEvent terminal = MigrationEvent.failed(request, 0, null, clock.instant(),
                    MigrationError.of(ErrorCode.CANCELLED, "cancelled by " + mark.get().cancel().requestId()
                            + " before it arrived; the Agent was never called", false));
            REQUEST_LOG.infof(request, "Request %s ends CANCELLED on arrival: cancel %s came first", requestId,
                    mark.get().cancel().requestId());
            ended.set(terminal);
            RequestMark end = RequestMark.ended(terminal);
            return new TransactionUnit.Decided(List.of(events.of(terminal, null, request.trace()),
                    store.record(partition, end),
                    store.inFlightCleared(partition, requestId)), List.of(end));
        }
        RequestMark handedOff = RequestMark.handedOff(request, clock.instant());
        REQUEST_LOG.debugf(request, "Request %s handed to the fleet's scheduler (node %s -> %s)", requestId,
                request.sourceNode(), request.targetNode());
        return new TransactionUnit.Decided(List.of(ledger.want(request, partition),
                store.record(partition, handedOff)), List.of(handedOff));
    }

    /**
     * A cancel: deduplicated by its own requestId, then decided when it is written, from the mark of the request it
     * names (in the same partition: both are keyed by the containerId).
     */
    private Uni<Void> cancel(ConsumedRecord record, CancelRequest cancel, TracedStep intake) {
        String cancelId = cancel.requestId();
        if (active.putIfAbsent(cancelId, record.partition()) != null) {
            return duplicate(record, cancelId, cancel.containerId(), "it is being handled here already", intake);
        }
        int partition = record.partition().partition();
        Optional<RequestMark> mark = store.lookup(partition, cancelId);
        if (mark.isPresent()) {
            active.remove(cancelId);
            return duplicate(record, cancelId, cancel.containerId(), "it was " + mark.get().stage() + " already",
                    intake);
        }
        return handOff(record, transactions.writeDecided(record.partition(), record.offset(),
                marks -> cancelDecision(cancel, partition, marks, intake.context())), cancelId,
                intake.outcome("cancel"));
    }

    /**
     * What a cancel does, from the named request's mark: ended, the cancel ends FAILED NOT_CANCELLED at once; not
     * known yet, it ends so too, and a mark remembers (for the idempotency window) that the request is cancelled if it
     * arrives; handed off or in flight, a CANCEL goes to the scheduler and the cancel waits, pending, for the request's
     * end ({@link CancelSettlement}).
     */
    private TransactionUnit.Decided cancelDecision(CancelRequest cancel, int partition, CancelSettlement.Marks marks,
            TraceContext trace) {
        String cancelId = cancel.requestId();
        if (marks.lookup(partition, cancelId).isPresent()) {
            LOG.infof("Cancel %s delivered again: dropped", cancelId);
            return new TransactionUnit.Decided(List.of(), List.of());
        }
        Instant now = clock.instant();
        Optional<RequestMark> named = marks.lookup(partition, cancel.cancels());
        if (named.isPresent() && named.get().ended()) {
            return cancelEnds(cancel, partition, now, "request " + cancel.cancels() + " already ended"
                    + (named.get().outcome() == null ? "" : " " + named.get().outcome()), List.of(), List.of(), trace);
        }
        if (named.isEmpty() || named.get().cancelledBeforeArrival()) {
            RequestMark early = RequestMark.cancelledBeforeArrival(cancel, now);
            return cancelEnds(cancel, partition, now, "request " + cancel.cancels() + " is not known yet; remembered"
                    + " until " + now.plus(store.window()) + ": if it arrives by then it ends CANCELLED without an "
                    + "Agent call", List.of(store.record(partition, early)), List.of(early), trace);
        }
        RequestMark pending = RequestMark.cancelPending(cancel, now);
        LOG.infof("Cancel %s of %s (%s) handed to the fleet's scheduler", cancelId, cancel.cancels(),
                named.get().stage());
        return new TransactionUnit.Decided(List.of(ledger.cancel(cancel.cancels(), cancelId),
                store.record(partition, pending)), List.of(pending));
    }

    private TransactionUnit.Decided cancelEnds(CancelRequest cancel, int partition, Instant now, String why,
            List<ProducerRecord<byte[], byte[]>> more, List<RequestMark> moreMarks, TraceContext trace) {
        MigrationEvent terminal = MigrationEvent.cancelEnded(cancel, now, why);
        RequestMark end = RequestMark.cancelEnded(terminal, cancel);
        LOG.infof("Cancel %s of %s: NOT_CANCELLED, %s", cancel.requestId(), cancel.cancels(), why);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(List.of(events.of(terminal, null, trace),
                store.record(partition, end), store.inFlightCleared(partition, cancel.requestId())));
        records.addAll(more);
        List<RequestMark> marks = new ArrayList<>(List.of(end));
        marks.addAll(moreMarks);
        return new TransactionUnit.Decided(records, marks);
    }

    /** A record that repeats a requestId: done, with nothing written but its offset. */
    private Uni<Void> duplicate(ConsumedRecord record, String requestId, String containerId, String why,
            TracedStep intake) {
        REQUEST_LOG.logf(Logger.Level.INFO, requestId, containerId, null,
                "Request %s delivered again (%s): dropped, %s", requestId, record, why);
        return handOff(record, complete(record, List.of(), List.of()), requestId, intake.outcome("duplicate"));
    }

    /** The span of a request's intake, continuing the trace of the record's {@code traceparent} header, if any. */
    private TracedStep intake(IncomingKafkaRecordMetadata<byte[], byte[]> origin, String requestId,
            String containerId) {
        Headers headers = origin.getHeaders();
        return tracing.intake(name -> {
            Header header = headers == null ? null : headers.lastHeader(name);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.ISO_8859_1);
        }, origin.getTopic(), requestId, containerId);
    }

    private Uni<Void> ended(ConsumedRecord record, MigrationEvent terminal, byte[] fallbackKey,
            TraceContext trace) {
        RequestMark mark = RequestMark.ended(terminal);
        int partition = record.partition().partition();
        return complete(record, List.of(events.of(terminal, fallbackKey, trace), store.record(partition, mark),
                store.inFlightCleared(partition, terminal.requestId())), List.of(mark))
                .invoke(() -> acknowledge(record))
                .invoke(() -> endedMeters.ended(terminal));
    }

    /** Writes the record's outcome, and commits its offset, in one transaction. */
    private Uni<Void> complete(ConsumedRecord record, List<ProducerRecord<byte[], byte[]>> outcome,
            List<RequestMark> marks) {
        return transactions.write(record.partition(), record.offset(), outcome, marks);
    }

    /** Completes at once; the record's outcome is committed in the background, which ends its intake's span. */
    private Uni<Void> handOff(ConsumedRecord record, Uni<Void> outcome, String requestId, TracedStep intake) {
        outcome.invoke(() -> acknowledge(record))
                .onItemOrFailure().invoke((ok, failure) -> {
                    if (intake != null) {
                        if (failure != null) {
                            intake.failed(failure);
                        } else {
                            intake.end();
                        }
                    }
                })
                .eventually(() -> {
                    if (requestId != null) {
                        active.remove(requestId, record.partition());
                    }
                })
                .onFailure(OutcomeDropped.class).recoverWithItem(dropped -> {
                    LOG.infof("Record of %s left to whoever reads it next (%s)", requestId, dropped.getMessage());
                    return null;
                })
                .subscribe().with(ok -> { }, failure -> stop(failure, requestId));
        return Uni.createFrom().voidItem();
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
