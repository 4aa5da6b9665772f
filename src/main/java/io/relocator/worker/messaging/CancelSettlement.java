package io.relocator.worker.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.domain.TraceContext;

/**
 * Where a cancel meets the request it names, on the committer's thread of {@link OutcomeTransactions}: the one place
 * that sees, in commit order, every mark written for a requests partition (the store's, and those of the batch being
 * built). So checking "has the named request ended?" and registering a pending cancel cannot race: whichever of the
 * request's end and the cancel's hand-on is written second sees the first.
 * <ul>
 * <li>a unit with a {@link TransactionUnit.Decision} (intake's hand-off of a request or of a cancel) is decided here,
 * from the marks as they are;</li>
 * <li>a unit that ends a request (any writer: intake, an executor) also ends every cancel pending on it, in the same
 * transaction: COMPLETED when the request ended {@code FAILED CANCELLED}, else FAILED {@code NOT_CANCELLED} naming how
 * it ended.</li>
 * </ul>
 * Not thread-safe: called only on the committer's thread, one batch at a time.
 */
final class CancelSettlement {

    private static final Logger LOG = Logger.getLogger(CancelSettlement.class);
    static final String CANCELLED_OUTCOME = "FAILED CANCELLED";

    private final OutcomeStore store;
    private final EventRecords events;
    private final Clock clock;

    CancelSettlement(OutcomeStore store, EventRecords events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** The marks a decision reads: the store's, overlaid by those of the units before it in its batch. */
    interface Marks {
        Optional<RequestMark> lookup(int partition, String requestId);
    }

    /** The batch's units, decided and with the ends of the cancels they settle, in order. */
    List<TransactionUnit> settle(List<TransactionUnit> batch) {
        BatchMarks marks = new BatchMarks();
        List<TransactionUnit> settled = new ArrayList<>(batch.size());
        for (TransactionUnit unit : batch) {
            if (unit.origin() == null) {
                settled.add(unit);
                continue;
            }
            TransactionUnit decided = unit.decision() == null ? unit : unit.with(unit.decision().decide(marks));
            TransactionUnit complete = withCancelEnds(decided, marks);
            complete.marks().forEach(mark -> marks.add(complete.origin().partition(), mark));
            settled.add(complete);
        }
        return settled;
    }

    /** The unit with the terminal events of the cancels pending on each request it ends. */
    private TransactionUnit withCancelEnds(TransactionUnit unit, BatchMarks marks) {
        int partition = unit.origin().partition();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<RequestMark> ends = new ArrayList<>();
        for (RequestMark mark : unit.marks()) {
            if (!mark.ended() || mark.ofCancel()) {
                continue;
            }
            for (RequestMark pending : marks.pendingCancelsOf(partition, mark.requestId())) {
                boolean inUnit = unit.marks().stream().anyMatch(m -> m.requestId().equals(pending.requestId()));
                if (inUnit) {
                    continue; // written again after a failed commit: its end is already in this unit
                }
                String notCancelled = CANCELLED_OUTCOME.equals(mark.outcome()) ? null
                        : "request " + mark.requestId() + " ended " + (mark.outcome() == null ? "otherwise"
                                : mark.outcome()) + " before the cancel could stop it";
                MigrationEvent terminal = MigrationEvent.cancelEnded(pending.cancel(), clock.instant(), notCancelled);
                RequestMark end = RequestMark.cancelEnded(terminal, pending.cancel());
                LOG.infof("Cancel %s of %s: %s", pending.requestId(), mark.requestId(),
                        notCancelled == null ? "COMPLETED" : "NOT_CANCELLED, " + notCancelled);
                records.add(events.of(terminal, null, TraceContext.NONE)); // the cancel's own intake span has ended
                records.add(store.record(partition, end));
                records.add(store.inFlightCleared(partition, pending.requestId()));
                ends.add(end);
            }
        }
        return ends.isEmpty() ? unit : unit.adding(records, ends);
    }

    /** The store's marks, with those of the batch so far over them. */
    private final class BatchMarks implements Marks {
        private final Map<Integer, Map<String, RequestMark>> batch = new HashMap<>();

        void add(int partition, RequestMark mark) {
            batch.computeIfAbsent(partition, p -> new HashMap<>()).merge(mark.requestId(), mark,
                    RequestMark::laterOf);
        }

        @Override
        public Optional<RequestMark> lookup(int partition, String requestId) {
            RequestMark inBatch = batch.getOrDefault(partition, Map.of()).get(requestId);
            Optional<RequestMark> stored = store.lookup(partition, requestId);
            return inBatch == null ? stored : Optional.of(inBatch.laterOf(stored.orElse(null)));
        }

        /** The cancels naming {@code requestId} handed on and not ended, in the store or earlier in the batch. */
        List<RequestMark> pendingCancelsOf(int partition, String requestId) {
            Map<String, RequestMark> inBatch = batch.getOrDefault(partition, Map.of());
            Map<String, RequestMark> pending = new HashMap<>();
            store.pendingCancelsOf(partition, requestId).forEach(mark -> pending.put(mark.requestId(), mark));
            inBatch.values().stream().filter(mark -> mark.ofCancel() && mark.cancel().cancels().equals(requestId))
                    .forEach(mark -> pending.put(mark.requestId(), mark));
            inBatch.values().stream().filter(RequestMark::ended).forEach(mark -> pending.remove(mark.requestId()));
            return pending.values().stream().filter(mark -> !mark.ended()).toList();
        }
    }
}
