package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.InstanceIdRule;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.RequestMark;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Everything the worker writes about requests goes through here, in Kafka transactions (consume-transform-produce):
 * the hand-off of a consumed request to the scheduler's inbox with its mark, dead letters and FAILED events of
 * consumed records, each with the offset of the record it completes (so a crash between writing an outcome and
 * committing its record's offset is impossible: both happen or neither); and what the grants of the fleet's scheduler
 * write (STARTED events with their in-flight marks, terminal events with their ended marks and the release of their
 * slots), each with the current offset of its request's partition committed again, so that a worker that lost the
 * partition without knowing (a zombie) is fenced by the broker even when no offset advances.
 *
 * <p>One transaction per outcome would cap throughput at a few dozen per second, so one thread commits batches: each
 * transaction takes every unit of work that arrived while the previous one was committing (up to
 * {@code relocator.transactions.max-batch}), and advances each partition's committed offset to the end of its
 * contiguous run of completed records ({@link OffsetTracker}). A unit's Uni completes once its transaction commits.
 *
 * <p>Partition ownership follows the consumers' rebalances: before partitions are revoked, what was queued for them is
 * committed; afterwards, a unit for them is not written (its Uni fails with {@link OutcomeDropped}) and is left to the
 * partition's new owner, which finds the request's in-flight mark and reconciles. Offsets are committed with the
 * consumer group's metadata, so a worker that lost its partitions without knowing (a zombie) is fenced by the broker.
 */
@ApplicationScoped
public class OutcomeTransactions {

    private static final Logger LOG = Logger.getLogger(OutcomeTransactions.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);
    private static final int STALLED_AFTER_SECONDS = 2;

    private final BlockingDeque<TransactionUnit> queue = new LinkedBlockingDeque<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    /**
     * Held (shared) from a check of {@link #owned} to the write it allows, and (exclusive) to take partitions away: a
     * write allowed before a revocation is sent before it completes.
     */
    private final ReentrantReadWriteLock ownership = new ReentrantReadWriteLock();
    /** The consumer group metadata to commit each topic's offsets with, as of the last rebalance. */
    private final Map<String, ConsumerGroupMetadata> groups = new ConcurrentHashMap<>();
    private final OutcomeStore store;
    private final FailedCommitSettlement settlement;
    private final CancelSettlement cancels;
    private final RefusedRecords refusedRecords;
    private final RelocatorConfig config;
    private final Map<String, Object> kafka;
    private final Clock clock;
    private final Timer commits;
    private final DistributionSummary batchSizes;
    private Map<String, Object> producerSettings;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaClientMetrics producerMeters;
    private final KafkaClientMeters clientMeters;
    private String instanceId;
    private Thread committer;
    private volatile boolean running;
    private volatile Instant failingSince;
    private volatile Instant committingSince;

    @Inject
    public OutcomeTransactions(OutcomeStore store, DeadLetterRecords deadLetters, EventRecords events,
            RelocatorConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka, Clock clock,
            MeterRegistry registry, KafkaClientMeters clientMeters) {
        this.clientMeters = clientMeters;
        this.commits = Timer.builder("relocator.transactions.commit")
                .description("Kafka transactions committed: from the first record sent to the commit").register(registry);
        this.batchSizes = DistributionSummary.builder("relocator.transactions.batch")
                .description("Units of work (hand-offs, STARTED events, ends with their releases, releases, dead letters, "
                        + "dropped duplicates) per transaction")
                .register(registry);
        this.store = store;
        this.settlement = new FailedCommitSettlement(store);
        this.cancels = new CancelSettlement(store, events, clock);
        this.refusedRecords = new RefusedRecords(deadLetters);
        this.config = config;
        this.kafka = kafka;
        this.clock = clock;
    }

    /** After the topics exist, before the channels start reading. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent event) {
        if (!config.worker().enabled()) {
            return;
        }
        instanceId = InstanceIdRule.require(config.instanceId());
        Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        // writes blocked by a broker outage give up after this long and are tried again (readiness reports it)
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // Back-to-back transactions meet the coordinator still finishing the previous one (CONCURRENT_TRANSACTIONS)
        // and wait this long before trying again: the default 100 ms made every commit take about 100 ms.
        settings.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instanceId);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactions().timeout().toMillis());
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "relocator-transactions-" + instanceId);
        producerSettings = settings;
        // Also aborts whatever this instance's previous life left open, so readers are not held back by it.
        producer = transactionalProducer();
        LOG.infof("Transactions ready (transactional.id %s)", instanceId);
        store.start();
        running = true;
        committer = new Thread(this::commitLoop, "relocator-transactions");
        committer.start();
    }

    /** After the shutdown drain: commit what is queued, then close. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) ShutdownEvent event) {
        if (committer == null) {
            return;
        }
        running = false;
        try {
            committer.join(FLUSH_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(unit -> unit.committed().completeExceptionally(OutcomeDropped.stopping()));
        producer.close(Duration.ofSeconds(5));
        producerMeters.close();
    }

    /**
     * A record was read; its offset is committed once it and those before it are done. False when its partition is
     * no longer this worker's (a record the connector had fetched before a rebalance took its partition away): the
     * new owner reads it again.
     */
    boolean read(TopicPartition partition, long offset) {
        if (!owned.contains(partition)) {
            return false;
        }
        offsets.read(partition, offset);
        return true;
    }

    /**
     * Writes {@code records} in a transaction, with the marks they carry and the offset of the consumed record they
     * complete (offset {@code completes} of {@code origin}). Completes once committed.
     */
    Uni<Void> write(TopicPartition origin, long completes, List<ProducerRecord<byte[], byte[]>> records,
            List<RequestMark> marks) {
        return Uni.createFrom().deferred(() -> {
            OutcomeDropped refused = refusal(origin);
            if (refused != null) {
                return Uni.createFrom().failure(refused);
            }
            TransactionUnit unit = TransactionUnit.of(origin, completes, records, marks);
            queue.add(unit);
            return Uni.createFrom().completionStage(unit.committed());
        });
    }

    /**
     * As {@link #write}, but what is written is decided on the committer's thread, from the marks as they are then
     * (the store's and those of the units committed before it in the same batch): so a decision reads every mark
     * written before it for the partition ({@link CancelSettlement}). Completes once committed.
     */
    Uni<Void> writeDecided(TopicPartition origin, long completes, TransactionUnit.Decision decision) {
        return Uni.createFrom().deferred(() -> {
            OutcomeDropped refused = refusal(origin);
            if (refused != null) {
                return Uni.createFrom().failure(refused);
            }
            TransactionUnit unit = TransactionUnit.decided(origin, completes, decision);
            queue.add(unit);
            return Uni.createFrom().completionStage(unit.committed());
        });
    }

    /**
     * Writes {@code records} in a transaction, with the marks they carry, for a request of partition {@code origin}
     * whose record is already done (a grant's events and release): the partition's current offset is committed again
     * with them, so that only its owner can commit them. Completes once committed; fails with {@link OutcomeDropped}
     * when the partition is not this worker's, or when {@code marks} end a request that already ended (a call of an
     * earlier ownership of the partition, whose request another worker finished meanwhile).
     */
    Uni<Void> writeFor(TopicPartition origin, List<ProducerRecord<byte[], byte[]>> records, List<RequestMark> marks) {
        return Uni.createFrom().deferred(() -> {
            OutcomeDropped refused = refusal(origin);
            if (refused != null) {
                return Uni.createFrom().failure(refused);
            }
            TransactionUnit unit = TransactionUnit.forPartition(origin, records, marks);
            queue.add(unit);
            return Uni.createFrom().completionStage(unit.committed());
        });
    }

    /** Why nothing may be written for {@code origin} now, or null when it may. */
    private OutcomeDropped refusal(TopicPartition origin) {
        return !running ? OutcomeDropped.stopping() : owned.contains(origin) ? null : OutcomeDropped.notOwned(origin);
    }

    /** Partitions were assigned to {@code consumer}: owned from now, their outcome marks restored before use. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        rememberGroup(consumer);
        partitions.forEach(partition -> offsets.assigned(partition, consumer.position(partition)));
        owned.addAll(partitions);
        store.restore(partitions);
    }

    /**
     * Partitions are being revoked from {@code consumer} (on its polling thread, before they move): what is queued is
     * committed first, then they are no longer owned (once the transaction being committed, and any in-flight mark
     * being sent, is done), and the in-flight marks sent for them are flushed: the new owner, which reads the outcome
     * store up to its end, sees everything this worker wrote for them. When {@code lost}, nothing can be committed for
     * them any more.
     */
    void revoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean lost) {
        rememberGroup(consumer);
        if (!lost && running) {
            flush();
        }
        boolean locked = lockOwnership();
        try {
            owned.removeAll(partitions);
            offsets.forget(partitions);
        } finally {
            if (locked) {
                ownership.writeLock().unlock();
            }
        }
        store.release(partitions);
    }

    /**
     * Since when transactions fail (the broker is unreachable, say), or the one being committed has been stuck for more
     * than {@value #STALLED_AFTER_SECONDS} s; empty while they commit.
     */
    public Optional<Instant> failingSince() {
        Instant committing = committingSince;
        if (failingSince == null && committing != null
                && committing.isBefore(clock.instant().minusSeconds(STALLED_AFTER_SECONDS))) {
            return Optional.of(committing);
        }
        return Optional.ofNullable(failingSince);
    }

    private void flush() {
        TransactionUnit barrier = TransactionUnit.barrier();
        queue.add(barrier);
        try {
            barrier.committed().get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Queued outcomes were not committed within %s before a rebalance: %s", FLUSH_TIMEOUT,
                    e.toString());
        }
    }

    /** Waits for the transaction being committed, and for writes being allowed, to end (up to the flush timeout). */
    private boolean lockOwnership() {
        try {
            if (ownership.writeLock().tryLock(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warnf("The transaction being committed did not end within %s before a rebalance", FLUSH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void rememberGroup(Consumer<?, ?> consumer) {
        ConsumerGroupMetadata metadata = consumer.groupMetadata();
        consumer.subscription().forEach(topic -> groups.put(topic, metadata));
    }

    private void commitLoop() {
        List<TransactionUnit> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                TransactionUnit first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, config.transactions().maxBatch() - 1);
                ownership.readLock().lock(); // partitions are not taken away while their outcomes are being committed
                try {
                    commit(batch);
                } finally {
                    ownership.readLock().unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // a bug: stop rather than leave every write waiting
                fatal(batch, e);
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<TransactionUnit> batch) throws InterruptedException {
        List<TransactionUnit> kept = new ArrayList<>();
        for (TransactionUnit unit : batch) {
            if (unit.origin() != null && !owned.contains(unit.origin())) {
                unit.committed().completeExceptionally(OutcomeDropped.notOwned(unit.origin()));
            } else if (endsAnEndedRequest(unit)) {
                unit.committed().completeExceptionally(OutcomeDropped.alreadyEnded(unit.marks().get(0).requestId()));
            } else {
                kept.add(unit);
            }
        }
        List<TransactionUnit> live = cancels.settle(kept);
        live.stream().filter(unit -> unit.completes() != null)
                .forEach(unit -> offsets.done(unit.origin(), unit.completes()));
        Map<TopicPartition, Long> advance = committableOffsets();
        for (TransactionUnit unit : live) { // every partition written for has an offset committed with it
            if (unit.origin() != null && !advance.containsKey(unit.origin()) && groups.containsKey(unit.origin().topic())) {
                offsets.floor(unit.origin()).ifPresent(floor -> advance.put(unit.origin(), floor));
            }
        }
        if (advance.isEmpty() && live.stream().allMatch(unit -> unit.records().isEmpty())) {
            // Flush barriers, or duplicates whose offsets cannot advance yet: nothing to write (and a transaction
            // with nothing in it is refused by the broker). The offsets go with a later transaction.
            complete(live);
            return;
        }
        long began = System.nanoTime();
        committingSince = clock.instant();
        try {
            BatchTransaction transaction = new BatchTransaction(producer, live, advance, groups, () -> {
                markFailing();
                LOG.warn("Kafka did not answer a transaction's commit in time; committing it again");
            });
            BatchTransaction.Result result = transaction.run();
            if (result instanceof BatchTransaction.Fatal fatal) {
                fatal(live, fatal.cause());
            } else if (result instanceof BatchTransaction.Failed failed) {
                failed(live, advance, began, transaction, failed);
            } else {
                committed(live, advance, began);
            }
        } finally {
            committingSince = null;
        }
    }

    /**
     * A transaction failed and was aborted (or could not be, and its producer is replaced here). When Kafka refused
     * records of it for themselves, it was not committed: those records are replaced by stand-ins and the whole batch
     * is written again at once, so one poison record never holds back the others. Otherwise the outcome store tells
     * whether it was committed after all ({@link FailedCommitSettlement}).
     */
    private void failed(List<TransactionUnit> live, Map<TopicPartition, Long> advance, long began,
            BatchTransaction transaction, BatchTransaction.Failed failed) throws InterruptedException {
        markFailing();
        if (!failed.aborted() && !replaceProducer(live, failed.cause())) {
            return;
        }
        Map<TransactionUnit, List<BatchTransaction.Refusal>> refused = transaction.refusals();
        if (!refused.isEmpty()) {
            requeue(live.stream().map(unit -> refused.containsKey(unit) ? refusedRecords.replaced(unit, refused.get(unit)) : unit)
                    .toList());
            return;
        }
        switch (settlement.of(live, failed.cause())) {
            case COMMITTED -> {
                LOG.warnf("A transaction of %d unit(s) reported %s but was committed", live.size(),
                        failed.cause().toString());
                committed(live, advance, began);
            }
            case NOT_COMMITTED -> {
                LOG.warnf("A transaction of %d unit(s) failed and is tried again in %s: %s", live.size(),
                        RETRY_PAUSE, failed.cause().toString());
                requeue(live);
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
            case UNKNOWN -> // only after a restart, from the outcome store, can each request tell what happened
                fatal(live, new KafkaException("a failed transaction could not be told committed or not",
                        failed.cause()));
        }
    }

    /**
     * Whether the unit is a grant's end of a request whose end is already committed (by this or another worker). Only
     * grants' units: a consumed record's unit always completes its record, whatever else it writes.
     */
    private boolean endsAnEndedRequest(TransactionUnit unit) {
        return unit.origin() != null && unit.completes() == null && unit.marks().stream().anyMatch(mark -> mark.ended()
                && store.ended(unit.origin().partition(), mark.requestId()));
    }

    /** Puts units back at the head of the queue, in their order. */
    private void requeue(List<TransactionUnit> units) {
        for (int i = units.size() - 1; i >= 0; i--) {
            queue.addFirst(units.get(i));
        }
    }

    private void markFailing() {
        if (failingSince == null) {
            failingSince = clock.instant();
        }
    }

    private void committed(List<TransactionUnit> live, Map<TopicPartition, Long> advance, long began) {
        offsets.committed(advance);
        commits.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        batchSizes.record(live.size());
        failingSince = null;
        live.forEach(unit -> unit.marks().forEach(mark -> store.remember(unit.origin().partition(), mark)));
        complete(live);
    }

    /**
     * Replaces a producer that cannot even abort (the broker answered INVALID_TXN_STATE to a commit, say): closing it
     * answers every send it held, and the new one's initialisation under the same transactional.id finishes what the
     * old one left open. False when that fails: the worker is then stopping, and {@code live} fails.
     */
    private boolean replaceProducer(List<TransactionUnit> live, KafkaException cause) {
        LOG.warnf("Replacing the transactional producer, which cannot abort after %s", cause.toString());
        producer.close(Duration.ZERO);
        producerMeters.close();
        try {
            producer = transactionalProducer();
            return true;
        } catch (KafkaException renewFailed) {
            fatal(live, renewFailed);
            return false;
        }
    }

    /** The offsets that may advance: of partitions still owned, whose consumer group is known. */
    private Map<TopicPartition, Long> committableOffsets() {
        Map<TopicPartition, Long> advance = new HashMap<>(offsets.committable());
        advance.keySet().removeIf(partition -> !owned.contains(partition) || !groups.containsKey(partition.topic()));
        return advance;
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(producerSettings, new ByteArraySerializer(),
                new ByteArraySerializer());
        retryWhileTimingOut("initialising transactions", created::initTransactions);
        producerMeters = clientMeters.bind(created);
        return created;
    }

    private void retryWhileTimingOut(String what, Runnable call) {
        while (true) {
            try {
                call.run();
                return;
            } catch (TimeoutException e) {
                markFailing();
                LOG.warnf("Kafka did not answer while %s (%s); trying again", what, e.getMessage());
            }
        }
    }

    /** Off the committer's thread: what follows a commit (the Agent call after a STARTED event, say) runs there. */
    private static void complete(List<TransactionUnit> units) {
        if (!units.isEmpty()) {
            Infrastructure.getDefaultExecutor().execute(() -> units.forEach(unit -> unit.committed().complete(null)));
        }
    }

    private void fatal(List<TransactionUnit> units, RuntimeException e) {
        if (InstanceFencing.isFencing(e)) {
            LOG.error(InstanceFencing.message(instanceId));
        }
        LOG.errorf(e, "Transactions can no longer be committed (%s): stopping; uncommitted requests are delivered "
                + "again after the restart", e.getClass().getSimpleName());
        running = false;
        units.forEach(unit -> unit.committed().completeExceptionally(e));
        for (TransactionUnit queued; (queued = queue.poll()) != null;) {
            queued.committed().completeExceptionally(e);
        }
        Quarkus.asyncExit(1);
    }

    /** A unit not written because its partition is no longer this worker's, or the worker is stopping. */
    public static final class OutcomeDropped extends RuntimeException {
        private OutcomeDropped(String why) {
            super(why, null, false, false);
        }

        static OutcomeDropped notOwned(TopicPartition partition) {
            return new OutcomeDropped(partition + " is no longer this worker's");
        }

        static OutcomeDropped alreadyEnded(String requestId) {
            return new OutcomeDropped("request " + requestId + " already ended");
        }

        static OutcomeDropped stopping() {
            return new OutcomeDropped("the worker is stopping");
        }
    }
}
