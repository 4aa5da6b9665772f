package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.ConcurrencyBounds;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.FleetLedger;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.NodeControl;
import io.relocator.worker.domain.PriorityOrder;
import io.smallrye.common.annotation.Identifier;

/**
 * The fleet's scheduler: one worker process at a time holds the role, and it alone decides which waiting request gets
 * slots, so every bound ({@code max-incoming}, {@code max-outgoing}, one migration per container, {@code cluster-max})
 * holds across all worker processes together.
 *
 * <p>The role goes to the member of a consumer group of its own ({@code <requests group>-scheduler}, classic protocol,
 * cooperative sticky assignment so that a member joining does not move the role, session timeout half of
 * {@code relocator.scheduler.failover-timeout}) that is assigned the state topic's one partition. Entering it: a producer with the fixed transactional id {@code <requests group>-scheduler} is initialised
 * (which fences any earlier holder and aborts what it left open), the state topic's high watermark is taken, and the
 * state is read back {@code read_committed} from the beginning up to it; only then does it decide. While it holds the
 * role, an {@link AbandonedTransactionFence} aborts what a dead worker left open on the inbox, which would otherwise
 * hold the inbox's {@code read_committed} reader back until the broker timed it out. Each step reads the
 * inbox from the position recorded in the state, applies what it read to a {@link FleetLedger} (requests wanting
 * slots, releases of slots), grants what the bounds allow, and writes the changes and the new position in one
 * transaction. On any failure of its producer the role is left, its state discarded, and it is entered again only
 * through a new assignment. At {@code max-waiting} requests it stops reading requests from the inbox, never releases.
 *
 * <p>Everything here runs on its own thread, {@code relocator-scheduler}; {@link #active} may be read from any thread.
 */
@ApplicationScoped
public class FleetScheduler {

    private static final Logger LOG = Logger.getLogger(FleetScheduler.class);
    private static final Duration MIN_SESSION = Duration.ofSeconds(6);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXPIRY_SCAN_EVERY = Duration.ofSeconds(1);
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);
    /** The election consumer's client id is this and the worker's {@code relocator.instance-id}. */
    static final String ELECTION_CLIENT_PREFIX = "relocator-scheduler-election-";

    private final LedgerRecords records;
    private final NodeControlRecords controls;
    private final RelocatorConfig config;
    private final ConcurrencyBounds bounds;
    private final Map<String, Object> kafka;
    private final Clock clock;
    private final KafkaClientMeters clientMeters;
    private final String group;
    private final AtomicBoolean active = new AtomicBoolean();
    /** When the election consumer last returned from a poll: the role is held only while that is recent (a lease). */
    private volatile long lastPollNanos;
    private volatile boolean running;
    private Thread thread;

    @Inject
    public FleetScheduler(LedgerRecords records, NodeControlRecords controls, RelocatorConfig config,
            ConcurrencyBounds bounds,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, Clock clock,
            KafkaClientMeters clientMeters, MeterRegistry registry,
            @ConfigProperty(name = "mp.messaging.incoming.requests.group.id") String requestsGroup) {
        this.records = records;
        this.controls = controls;
        this.config = config;
        this.bounds = bounds;
        this.kafka = kafka;
        this.clock = clock;
        this.clientMeters = clientMeters;
        this.group = requestsGroup + "-scheduler";
        Gauge.builder("relocator.scheduler.active", this, s -> s.active() ? 1 : 0)
                .description("1 on the worker process that holds the fleet's scheduling role, 0 on the others")
                .register(registry);
    }

    /**
     * Whether this process holds the scheduling role now (its state read back, and its lease current: a process
     * frozen past its session, say, stops reporting the role at once, before its next commit is fenced); any thread.
     */
    public boolean active() {
        return active.get() && leaseHeld();
    }

    /** Whether the election consumer polled within the session timeout: until then no other member took the role. */
    private boolean leaseHeld() {
        return System.nanoTime() - lastPollNanos < sessionTimeout().toNanos();
    }

    /** After the topics exist. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 3) StartupEvent event) {
        if (!config.worker().enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "relocator-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Leaves the role at once (closing its clients leaves the group, so another process takes it over quickly). */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            Election election = new Election();
            try (KafkaConsumer<byte[], byte[]> consumer = electionConsumer()) {
                consumer.subscribe(List.of(records.stateTopic()), election);
                Role role = null;
                try {
                    while (running) {
                        if (role != null && !leaseHeld()) { // frozen or starved past the session: another may hold it
                            throw new RoleLost("no poll of the election for longer than its session timeout", null);
                        }
                        consumer.poll(role == null ? Duration.ofMillis(500) : Duration.ZERO);
                        lastPollNanos = System.nanoTime();
                        if (election.assigned && role == null) {
                            role = new Role(consumer, election);
                            role.enter();
                        } else if (!election.assigned && role != null) {
                            LOG.info("Scheduling role moved to another worker process");
                            role.close();
                            role = null;
                        } else if (role != null) {
                            role.step();
                        }
                    }
                } finally {
                    if (role != null) {
                        role.close();
                    }
                }
            } catch (InterruptException e) {
                return;
            } catch (KafkaException | RoleLost e) {
                // Leaving the group (closing the consumer) lets another process, or this one, take the role anew.
                LOG.warnf("Scheduling role left after %s; rejoining the election", e.toString());
                pause();
            } finally {
                active.set(false);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KafkaConsumer<byte[], byte[]> electionConsumer() {
        Map<String, Object> settings = ClientSettings.of(kafka, ConsumerConfig.configNames());
        Duration session = sessionTimeout();
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session.toMillis());
        settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) session.toMillis() / 4);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, ELECTION_CLIENT_PREFIX + config.instanceId().orElse(""));
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // dynamic member: a dead one leaves after its session
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Duration sessionTimeout() {
        Duration half = config.scheduler().failoverTimeout().dividedBy(2);
        return half.compareTo(MIN_SESSION) < 0 ? MIN_SESSION : half;
    }

    /** The election's rebalance listener: the role is wanted while the state partition is assigned here. */
    private static final class Election implements ConsumerRebalanceListener {
        volatile boolean assigned;

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                assigned = true;
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                assigned = false;
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assigned = false;
        }
    }

    /** The producer failed or was fenced: the role is left, its state discarded. */
    private static final class RoleLost extends RuntimeException {
        RoleLost(String why, Throwable cause) {
            super(why, cause, false, false);
        }
    }

    /** One tenure of the role: its producer, its inbox reader and the ledger rebuilt from the state topic. */
    private final class Role {
        private final KafkaConsumer<byte[], byte[]> election;
        private final Election assignment;
        private final TopicPartition state = new TopicPartition(records.stateTopic(), 0);
        private final TopicPartition wants = new TopicPartition(records.inboxTopic(), LedgerRecords.WANTS);
        private final TopicPartition releases = new TopicPartition(records.inboxTopic(), LedgerRecords.RELEASES);
        private final FleetLedger ledger;
        /** The entry of every request the ledger holds, and of those ending without a migration. */
        private final Map<String, LedgerEntry> entries = new HashMap<>();
        private KafkaProducer<byte[], byte[]> producer;
        private KafkaClientMetrics producerMeters;
        private KafkaConsumer<byte[], byte[]> inbox;
        private AbandonedTransactionFence fence;
        private SchedulerPosition position = SchedulerPosition.START;
        private boolean wantsPaused;
        private Instant nextExpiryScan = Instant.MIN;

        Role(KafkaConsumer<byte[], byte[]> election, Election assignment) {
            this.election = election;
            this.assignment = assignment;
            this.ledger = new FleetLedger(bounds, config.concurrency().clusterMax(),
                    new PriorityOrder(config.scheduler().priorityAging(), clock));
        }

        /** Fences earlier holders, then reads the state back up to its high watermark as it was then. */
        void enter() {
            long began = System.nanoTime();
            producer = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(), new ByteArraySerializer());
            producerMeters = clientMeters.bind(producer);
            try {
                producer.initTransactions();
            } catch (KafkaException e) {
                throw new RoleLost("initialising the scheduler's transactions failed", e);
            }
            fence = transactionFence();
            fence.start();
            long highWatermark = highWatermark();
            election.seekToBeginning(List.of(state));
            while (election.position(state) < highWatermark) {
                for (ConsumerRecord<byte[], byte[]> record : election.poll(Duration.ofMillis(200))) {
                    rebuild(record);
                }
                lastPollNanos = System.nanoTime();
                if (!assignment.assigned) {
                    throw new RoleLost("the state partition was revoked while its state was read back", null);
                }
            }
            entries.values().forEach(entry -> {
                if (entry.state() == LedgerEntry.State.WAITING) {
                    ledger.want(entry.request(), entry.request().receivedAt());
                } else if (entry.state() == LedgerEntry.State.GRANTED) {
                    ledger.restoreGrant(entry.request(), entry.epoch());
                }
            });
            election.pause(List.of(state)); // its own writes need not be read again
            inbox = inboxConsumer();
            inbox.assign(List.of(wants, releases));
            inbox.seek(wants, position.wants());
            inbox.seek(releases, position.releases());
            active.set(true);
            LOG.infof("Scheduling role taken in %d ms: %d waiting, %d granted, %d ending, inbox at %d/%d",
                    (System.nanoTime() - began) / 1_000_000, ledger.waiting(), ledger.granted(),
                    entries.size() - ledger.waiting() - ledger.granted(), position.wants(), position.releases());
        }

        private void rebuild(ConsumerRecord<byte[], byte[]> record) {
            records.stateRecord(record).ifPresent(read -> {
                if (read instanceof LedgerRecords.StateRecord.Entry written) {
                    entries.put(written.entry().requestId(), written.entry());
                } else if (read instanceof LedgerRecords.StateRecord.Removed removed) {
                    entries.remove(removed.requestId());
                } else if (read instanceof LedgerRecords.StateRecord.Position recorded) {
                    position = recorded.position();
                } else if (read instanceof LedgerRecords.StateRecord.Controlled controlled) {
                    ledger.restoreControl(controlled.control());
                }
            });
        }

        /** One round: read the inbox, decide, write the decisions with the new position in one transaction. */
        void step() {
            boolean full = ledger.waiting() >= config.scheduler().maxWaiting();
            if (full != wantsPaused) {
                if (full) {
                    inbox.pause(List.of(wants));
                    LOG.warnf("%d requests wait for slots (relocator.scheduler.max-waiting): new ones wait in the "
                            + "inbox until some start", ledger.waiting());
                } else {
                    inbox.resume(List.of(wants));
                }
                wantsPaused = full;
            }
            Map<String, ProducerRecord<byte[], byte[]>> changes = new LinkedHashMap<>();
            long wantsAt = position.wants();
            long releasesAt = position.releases();
            long[] lastEpoch = {position.lastEpoch()};
            for (ConsumerRecord<byte[], byte[]> record : inbox.poll(Duration.ofMillis(100))) {
                if (record.partition() == LedgerRecords.WANTS) {
                    wantsAt = record.offset() + 1;
                } else {
                    releasesAt = record.offset() + 1;
                }
                absorb(records.inboxRecord(record), changes, lastEpoch);
            }
            Instant now = clock.instant();
            if (!now.isBefore(nextExpiryScan)) {
                nextExpiryScan = now.plus(EXPIRY_SCAN_EVERY);
                for (MigrationRequest expired : ledger.expiredWaiting(now)) {
                    ledger.dropWaiting(expired.requestId());
                    end(entries.get(expired.requestId()), ErrorCode.EXPIRED, changes, lastEpoch);
                }
                for (MigrationRequest overdue : ledger.pastCompleteBy(now)) {
                    ledger.dropWaiting(overdue.requestId());
                    end(entries.get(overdue.requestId()), ErrorCode.CANCELLED, changes, lastEpoch);
                }
            }
            for (FleetLedger.Grant grant : ledger.grant(() -> ++lastEpoch[0])) {
                LedgerEntry waiting = entries.get(grant.request().requestId());
                LedgerEntry granted = LedgerEntry.granted(waiting.request(), waiting.partition(), grant.epoch());
                entries.put(granted.requestId(), granted);
                changes.put(granted.requestId(), records.entry(granted));
            }
            SchedulerPosition next = new SchedulerPosition(wantsAt, releasesAt, lastEpoch[0]);
            if (changes.isEmpty() && next.equals(position)) {
                return;
            }
            commit(changes.values(), next);
            position = next;
        }

        private void absorb(InboxRecord read, Map<String, ProducerRecord<byte[], byte[]>> changes, long[] lastEpoch) {
            if (read instanceof InboxRecord.Want want) {
                String id = want.request().requestId();
                if (entries.containsKey(id)) {
                    LOG.debugf("Request %s handed off again: already %s", id, entries.get(id).state());
                    return;
                }
                LedgerEntry waiting = LedgerEntry.waiting(want.request(), want.partition());
                entries.put(id, waiting);
                if (want.request().expiredAt(clock.instant())) {
                    end(waiting, ErrorCode.EXPIRED, changes, lastEpoch);
                    return;
                }
                ledger.want(want.request(), want.request().receivedAt());
                changes.put(id, records.entry(waiting));
            } else if (read instanceof InboxRecord.Release release) {
                LedgerEntry entry = entries.get(release.requestId());
                boolean freed = entry != null && entry.epoch() == release.epoch()
                        && (entry.state() == LedgerEntry.State.ENDING
                                || ledger.release(release.requestId(), release.epoch()));
                if (freed) {
                    entries.remove(release.requestId());
                    changes.put(release.requestId(), records.removal(release.requestId()));
                } else {
                    LOG.debugf("Release of %s (grant %d) ignored: stale or unknown", release.requestId(),
                            release.epoch());
                }
            } else if (read instanceof InboxRecord.Cancel cancel) {
                cancel(cancel, changes, lastEpoch);
            } else if (read instanceof InboxRecord.Control control) {
                apply(control, changes);
            } else {
                LOG.warnf("Scheduler inbox: a record skipped, %s", ((InboxRecord.Unreadable) read).why());
            }
        }

        /**
         * A cancel: a waiting request ends CANCELLED without a migration; a granted one keeps its slots and epoch and
         * is marked for its executor to stop; one ending already, or unknown here (ended, its slots released), is left
         * alone: its own end settles the cancel.
         */
        private void cancel(InboxRecord.Cancel cancel, Map<String, ProducerRecord<byte[], byte[]>> changes,
                long[] lastEpoch) {
            String id = cancel.requestId();
            LedgerEntry entry = entries.get(id);
            FleetLedger.Cancelled effect = entry == null ? FleetLedger.Cancelled.NOT_HELD : ledger.cancel(id);
            if (effect == FleetLedger.Cancelled.WAITING_DROPPED) {
                LOG.infof("Request %s cancelled by %s while waiting", id, cancel.cancelId());
                end(entry, ErrorCode.CANCELLED, changes, lastEpoch);
            } else if (effect == FleetLedger.Cancelled.GRANTED && !entry.isCancelRequested()) {
                LOG.infof("Request %s cancelled by %s while granted (grant %d): its executor stops it", id,
                        cancel.cancelId(), entry.epoch());
                LedgerEntry stopping = entry.cancelRequested();
                entries.put(id, stopping);
                changes.put(id, records.entry(stopping));
            } else {
                LOG.debugf("Cancel %s of %s: %s, nothing to do here", cancel.cancelId(), id,
                        entry == null ? "not held (ended)" : entry.state());
            }
        }

        /**
         * An operator's node control: applied to the ledger before this step's grants, and the node's control written
         * in this step's transaction (its key in {@code changes} has a space, which no requestId has).
         */
        private void apply(InboxRecord.Control control, Map<String, ProducerRecord<byte[], byte[]>> changes) {
            NodeControl after = ledger.control(control.command());
            changes.put("node " + after.node(), controls.state(after));
            LOG.infof("Node control %s of %s by %s applied: %s", control.command().action(), after.node(),
                    control.actor(), after);
        }

        /** A waiting request ends without a migration: the owner of its partition writes its terminal event. */
        private void end(LedgerEntry waiting, ErrorCode reason, Map<String, ProducerRecord<byte[], byte[]>> changes,
                long[] lastEpoch) {
            LedgerEntry ending = LedgerEntry.ending(waiting.request(), waiting.partition(), ++lastEpoch[0],
                    reason.name());
            entries.put(ending.requestId(), ending);
            changes.put(ending.requestId(), records.entry(ending));
        }

        private void commit(Collection<ProducerRecord<byte[], byte[]>> changes, SchedulerPosition next) {
            if (!leaseHeld()) {
                throw new RoleLost("the lease ran out during a step: its decisions are not written", null);
            }
            try {
                producer.beginTransaction();
                changes.forEach(producer::send);
                producer.send(records.position(next));
                producer.commitTransaction();
            } catch (KafkaException e) {
                throw new RoleLost("a scheduler transaction failed", e);
            }
        }

        void close() {
            active.set(false);
            if (fence != null) {
                fence.close();
            }
            if (inbox != null) {
                inbox.close(Duration.ZERO);
            }
            if (producer != null) {
                producer.close(Duration.ZERO);
                producerMeters.close();
            }
            if (assignment.assigned) {
                election.resume(List.of(state));
            }
        }

        private long highWatermark() {
            Map<String, Object> settings = ClientSettings.of(kafka, AdminClientConfig.configNames());
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "relocator-scheduler-admin");
            try (Admin admin = Admin.create(settings)) {
                return admin.listOffsets(Map.of(state, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).partitionResult(state)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS).offset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            } catch (Exception e) {
                throw new RoleLost("the state topic's high watermark could not be read", e);
            }
        }

        /** What a dead worker left open on the inbox is aborted at once, not when the broker times it out. */
        private AbandonedTransactionFence transactionFence() {
            Map<String, Object> settings = ClientSettings.of(kafka, AdminClientConfig.configNames());
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "relocator-transaction-fence-"
                    + config.instanceId().orElse(""));
            return new AbandonedTransactionFence(Admin.create(settings), records.inboxTopic(), group, group,
                    sessionTimeout(), clock);
        }

        private Map<String, Object> producerSettings() {
            Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
            settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
            settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            settings.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "relocator-scheduler-" + config.instanceId().orElse(""));
            return settings;
        }

        private KafkaConsumer<byte[], byte[]> inboxConsumer() {
            Map<String, Object> settings = ClientSettings.of(kafka, ConsumerConfig.configNames());
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // a position older than the inbox's retention resumes at the oldest record kept, never at the end
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "relocator-scheduler-inbox-"
                    + config.instanceId().orElse(""));
            settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
            settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
    }
}
