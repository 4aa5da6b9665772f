package io.relocator.worker.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.NodeControl;
import io.smallrye.common.annotation.Identifier;

/**
 * Every worker's view of the fleet: the scheduler's state topic, followed ({@code read_committed}, from the beginning,
 * on its own thread) into memory. It tells the {@link GrantExecutor} of each grant (and each request ending without a
 * migration) as it appears, and answers what waits and runs in the whole fleet, node by node, whichever process holds
 * the scheduling role, and the operator's control of each node: the numbers of the metrics, logs and admin API are
 * the fleet's, not one process's.
 */
@ApplicationScoped
public class FleetView {

    private static final Logger LOG = Logger.getLogger(FleetView.class);
    private static final int ENDED_KEPT = 50;

    private final Map<String, LedgerEntry> entries = new ConcurrentHashMap<>();
    private final Map<String, NodeCounts> nodes = new ConcurrentHashMap<>();
    private final Map<String, NodeControl> controls = new ConcurrentHashMap<>();
    /** When each entry took its present state (the state record's timestamp, written by the scheduler). */
    private final Map<String, Instant> since = new ConcurrentHashMap<>();
    private final Deque<Ended> ended = new ConcurrentLinkedDeque<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger granted = new AtomicInteger();
    private final LedgerRecords records;
    private final RelocatorConfig config;
    private final Map<String, Object> kafka;
    private final KafkaClientMeters clientMeters;
    private volatile Consumer<LedgerEntry> onActionable = entry -> { };
    private volatile boolean running;
    private Thread follower;

    @Inject
    public FleetView(LedgerRecords records, RelocatorConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, KafkaClientMeters clientMeters) {
        this.records = records;
        this.config = config;
        this.kafka = kafka;
        this.clientMeters = clientMeters;
    }

    /** Called once, at start-up, by the executor: told of every granted or ending entry, on the follower's thread. */
    void onActionable(Consumer<LedgerEntry> listener) {
        this.onActionable = listener;
    }

    /** After the topics exist. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 2) StartupEvent event) {
        if (!config.worker().enabled()) {
            return;
        }
        running = true;
        follower = new Thread(this::follow, "relocator-fleet-view");
        follower.setDaemon(true);
        follower.start();
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) ShutdownEvent event) {
        running = false;
        if (follower != null) {
            follower.interrupt();
        }
    }

    /** The granted and ending entries of requests read from requests partition {@code partition}; any thread. */
    List<LedgerEntry> actionable(int partition) {
        return entries.values().stream().filter(e -> e.partition() == partition && e.actionable()).toList();
    }

    /** What the state topic says of a request now; any thread. */
    public Optional<LedgerEntry> entry(String requestId) {
        return Optional.ofNullable(entries.get(requestId));
    }

    /** Requests waiting for slots, fleet-wide; any thread. */
    public int waiting() {
        return waiting.get();
    }

    /** Migrations holding slots, fleet-wide; any thread. */
    public int granted() {
        return granted.get();
    }

    /** One node's counts, fleet-wide (all zero before any request names it); a live view, any thread. */
    public NodeCounts node(String node) {
        return nodes.computeIfAbsent(node, n -> new NodeCounts());
    }

    /** The operator's control of a node, as the scheduler applied it ({@link NodeControl#none} if none); any thread. */
    public NodeControl control(String node) {
        return controls.getOrDefault(node, NodeControl.none(node));
    }

    /** Every entry now: requests waiting, granted or ending, fleet-wide; a snapshot, any thread. */
    public List<LedgerEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** When the request took its present state; empty when it has no entry. Any thread. */
    public Optional<Instant> since(String requestId) {
        return Optional.ofNullable(since.get(requestId));
    }

    /** The last {@value #ENDED_KEPT} requests whose slots were released (their migration ended), newest first; any thread. */
    public List<Ended> recentlyEnded() {
        return List.copyOf(ended);
    }

    /** A request whose entry was removed: its migration ended (the outcome is its terminal event) at {@code at}. */
    public record Ended(LedgerEntry last, Instant at) {
    }

    /** The nodes named by any request seen; any thread. */
    public Collection<String> nodes() {
        return nodes.keySet();
    }

    private void follow() {
        TopicPartition state = new TopicPartition(records.stateTopic(), 0);
        Map<String, Object> settings = ClientSettings.of(kafka, ConsumerConfig.configNames());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "relocator-fleet-view");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        while (running) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()); KafkaClientMetrics meters = clientMeters.bind(consumer)) {
                consumer.assign(List.of(state));
                consumer.seekToBeginning(List.of(state));
                clear();
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        apply(record);
                    }
                }
            } catch (InterruptException e) {
                return;
            } catch (KafkaException e) {
                LOG.warnf("Following the scheduler's state failed (%s); reading it again from the beginning",
                        e.toString());
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        Optional<LedgerRecords.StateRecord> read = records.stateRecord(record);
        if (read.isEmpty()) {
            return;
        }
        if (read.get() instanceof LedgerRecords.StateRecord.Entry written) {
            LedgerEntry entry = written.entry();
            since.put(entry.requestId(), Instant.ofEpochMilli(record.timestamp()));
            replace(entry.requestId(), entry);
            if (entry.actionable()) {
                onActionable.accept(entry);
            }
        } else if (read.get() instanceof LedgerRecords.StateRecord.Removed removed) {
            since.remove(removed.requestId());
            LedgerEntry last = entries.get(removed.requestId());
            if (last != null) {
                ended.addFirst(new Ended(last, Instant.ofEpochMilli(record.timestamp())));
                while (ended.size() > ENDED_KEPT) {
                    ended.pollLast();
                }
            }
            replace(removed.requestId(), null);
        } else if (read.get() instanceof LedgerRecords.StateRecord.Controlled controlled) {
            NodeControl control = controlled.control();
            if (control.isNone()) {
                controls.remove(control.node());
            } else {
                controls.put(control.node(), control);
            }
        }
    }

    private void replace(String requestId, LedgerEntry entry) {
        LedgerEntry before = entry == null ? entries.remove(requestId) : entries.put(requestId, entry);
        count(before, -1);
        count(entry, 1);
    }

    private void count(LedgerEntry entry, int delta) {
        if (entry == null) {
            return;
        }
        if (entry.state() == LedgerEntry.State.WAITING) {
            waiting.addAndGet(delta);
            node(entry.request().targetNode()).waiting.addAndGet(delta);
        } else if (entry.state() == LedgerEntry.State.GRANTED) {
            granted.addAndGet(delta);
            node(entry.request().targetNode()).incoming.addAndGet(delta);
            node(entry.request().sourceNode()).outgoing.addAndGet(delta);
        }
    }

    private void clear() {
        entries.clear();
        controls.clear();
        since.clear();
        ended.clear();
        nodes.values().forEach(NodeCounts::clear);
        waiting.set(0);
        granted.set(0);
    }

    /** A node's load in the whole fleet, as the state topic says. */
    public static final class NodeCounts {
        private final AtomicInteger incoming = new AtomicInteger();
        private final AtomicInteger outgoing = new AtomicInteger();
        private final AtomicInteger waiting = new AtomicInteger();

        /** Migrations granted into the node. */
        public int incoming() {
            return incoming.get();
        }

        /** Migrations granted out of the node. */
        public int outgoing() {
            return outgoing.get();
        }

        /** Requests waiting for a slot of the node (as target). */
        public int waiting() {
            return waiting.get();
        }

        private void clear() {
            incoming.set(0);
            outgoing.set(0);
            waiting.set(0);
        }
    }
}
