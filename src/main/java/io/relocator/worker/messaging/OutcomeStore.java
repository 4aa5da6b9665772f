package io.relocator.worker.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Quarkus;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.RequestMark;
import io.smallrye.common.annotation.Identifier;

/**
 * The worker's memory of requestIds: the outcome topic (compacted, keyed by requestId, partition {@code p} holding the
 * marks of the requests read from partition {@code p} of the requests topic) read back into memory.
 *
 * <p>When a partition is assigned, its marks are restored (read {@code read_committed} up to the log end as it was
 * then, past the transactions open then) before any of its records is processed; afterwards the partition is
 * followed, so marks written by another worker show up too. The marks this worker commits are applied at once as
 * well. Marks only move forward ({@link RequestMark#laterOf}), and
 * a mark older than {@code relocator.idempotency-window} is forgotten (the topic's retention is the same window).
 */
@ApplicationScoped
public class OutcomeStore {

    private static final Logger LOG = Logger.getLogger(OutcomeStore.class);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
    private static final int RETRY_SECONDS = 1;
    static final String IN_FLIGHT_KEY_SUFFIX = "/in-flight";

    private final Map<Integer, Map<String, RequestMark>> marks = new ConcurrentHashMap<>();
    /** The cancels handed on and not ended, by partition and by the requestId they name: their ids. */
    private final Map<Integer, Map<String, Set<String>>> pendingCancels = new ConcurrentHashMap<>();
    /** The topics holding each partition number here (the requests topic only): a number is followed while held. */
    private final Map<Integer, Set<String>> holders = new HashMap<>();
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Set<Restore> restoring = new HashSet<>();
    private final ObjectMapper json;
    private final Clock clock;
    private final String topic;
    private final Duration window;
    private final Map<String, Object> kafka;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;
    private final KafkaClientMeters clientMeters;
    private KafkaClientMetrics consumerMeters;
    private KafkaClientMetrics adminMeters;
    private Thread follower;
    private volatile boolean running;
    private Instant nextSweep;

    @Inject
    public OutcomeStore(ObjectMapper json, Clock clock, RelocatorConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, KafkaClientMeters clientMeters) {
        this.clientMeters = clientMeters;
        this.json = json.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.clock = clock;
        this.topic = config.topics().outcomes();
        this.window = config.idempotencyWindow();
        this.kafka = kafka;
    }

    /** The mark of {@code requestId} read from partition {@code partition}, if it is within the window. */
    public Optional<RequestMark> lookup(int partition, String requestId) {
        RequestMark mark = marks.getOrDefault(partition, Map.of()).get(requestId);
        return Optional.ofNullable(mark).filter(this::withinWindow);
    }

    /** Whether {@code requestId}, read from partition {@code partition}, ended within the window. */
    public boolean ended(int partition, String requestId) {
        return lookup(partition, requestId).map(RequestMark::ended).orElse(false);
    }

    /**
     * The marks of the cancels naming {@code requestId} (of partition {@code partition}) that are handed on and not
     * ended: whoever writes that request's end writes theirs with it ({@link CancelSettlement}).
     */
    List<RequestMark> pendingCancelsOf(int partition, String requestId) {
        Set<String> ids = pendingCancels.getOrDefault(partition, Map.of()).get(requestId);
        if (ids == null) {
            return List.of();
        }
        Map<String, RequestMark> partitionMarks = marks.getOrDefault(partition, Map.of());
        return ids.stream().map(partitionMarks::get).filter(Objects::nonNull)
                .filter(mark -> mark.ofCancel() && !mark.ended()).toList();
    }

    /** How long a mark is remembered ({@code relocator.idempotency-window}). */
    Duration window() {
        return window;
    }

    /**
     * The record that writes {@code mark} to the outcome topic. An ended mark is keyed by the requestId, a handed-off
     * or in-flight one by the requestId and {@value #IN_FLIGHT_KEY_SUFFIX}: compaction keeps the latest record of each key, so an
     * in-flight mark written after the end (by a worker that had lost the request without knowing) can never take
     * the ended mark's place, and a duplicate delivered later is still known to have ended. (A requestId cannot
     * contain {@code /}, so no requestId's ended key is another's in-flight key.)
     */
    ProducerRecord<byte[], byte[]> record(int partition, RequestMark mark) {
        try {
            return new ProducerRecord<>(topic, partition, key(mark.requestId(), mark.ended()),
                    json.writeValueAsBytes(mark));
        } catch (IOException e) {
            throw new IllegalStateException("A request mark could not be written as JSON", e);
        }
    }

    /** Written with an ended mark: lets compaction drop the request's in-flight mark, which the end supersedes. */
    ProducerRecord<byte[], byte[]> inFlightCleared(int partition, String requestId) {
        return new ProducerRecord<>(topic, partition, key(requestId, false), null);
    }

    private static byte[] key(String requestId, boolean ended) {
        return (ended ? requestId : requestId + IN_FLIGHT_KEY_SUFFIX).getBytes(StandardCharsets.UTF_8);
    }

    /** A mark this worker has just committed. */
    void remember(int partition, RequestMark mark) {
        Map<String, RequestMark> partitionMarks = marks.get(partition);
        if (partitionMarks != null) { // not followed any more: the partition was taken away meanwhile
            merge(partition, partitionMarks, mark);
        }
    }

    /** Keeps the later of the known mark and {@code mark}, and the index of pending cancels with it. */
    private void merge(int partition, Map<String, RequestMark> partitionMarks, RequestMark mark) {
        RequestMark kept = partitionMarks.merge(mark.requestId(), mark, RequestMark::laterOf);
        if (kept.ofCancel()) {
            Map<String, Set<String>> byNamed = pendingCancels.computeIfAbsent(partition,
                    p -> new ConcurrentHashMap<>());
            if (kept.ended()) {
                byNamed.computeIfPresent(kept.cancel().cancels(), (named, ids) -> {
                    ids.remove(kept.requestId());
                    return ids.isEmpty() ? null : ids;
                });
            } else {
                byNamed.computeIfAbsent(kept.cancel().cancels(), named -> ConcurrentHashMap.newKeySet())
                        .add(kept.requestId());
            }
        }
    }

    /**
     * Restores the partitions' marks; blocks until they are read up to the end (called on the consumer's polling
     * thread, from the rebalance listener, so no record of those partitions is processed and none of their grants
     * starts before). A restore of one of those partition numbers still under way here is waited for too.
     */
    void restore(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        Set<Integer> numbers = assigned.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        awaitCaughtUp(numbers, () -> {
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition partition : assigned) {
                Set<String> topics = holders.computeIfAbsent(partition.partition(), p -> new HashSet<>());
                if (topics.isEmpty()) {
                    marks.put(partition.partition(), new ConcurrentHashMap<>());
                    pendingCancels.remove(partition.partition());
                    fresh.add(new TopicPartition(topic, partition.partition()));
                }
                topics.add(partition.topic());
            }
            if (!fresh.isEmpty()) {
                consumer.assign(followed());
                consumer.seekToBeginning(fresh);
            }
        });
    }

    /**
     * Reads the outcome partitions of {@code marks} (by the partition number of their requests) up to
     * their log end as it is now, then counts those of the marks that are in the topic, committed, and those that are
     * not; the marks of a partition no longer followed here count in neither. Asked once the transaction that wrote
     * them has ended, it tells whether that transaction was committed.
     */
    MarksFound find(Map<Integer, List<RequestMark>> marks) {
        awaitCaughtUp(marks.keySet(), () -> { });
        int found = 0;
        int missing = 0;
        for (Map.Entry<Integer, List<RequestMark>> partition : marks.entrySet()) {
            if (!this.marks.containsKey(partition.getKey())) {
                continue;
            }
            for (RequestMark mark : partition.getValue()) {
                if (written(this.marks.get(partition.getKey()).get(mark.requestId()), mark)) {
                    found++;
                } else {
                    missing++;
                }
            }
        }
        return new MarksFound(found, missing);
    }

    /**
     * Whether {@code known} (what the store holds for the request) shows that {@code mark} was written: an end by any
     * end; an in-flight mark only by itself (the same packet id: another owner's attempt is not this one); a
     * hand-off by any mark of the request (it was handed off, by this transaction or a copy's).
     */
    private static boolean written(RequestMark known, RequestMark mark) {
        if (known == null) {
            return false;
        }
        if (mark.ended()) {
            return known.ended();
        }
        if (mark.inFlight()) {
            return known.inFlight() && known.attempt() == mark.attempt()
                    && Objects.equals(known.packetId(), mark.packetId());
        }
        return true;
    }

    /** Of some marks, how many are in the outcome topic and how many are not. */
    record MarksFound(int found, int missing) {
    }

    /**
     * Runs {@code first} on the follower, then waits until it has read {@code partitions} up to their log end; tries
     * again, every {@value #RETRY_SECONDS} s, while the end offsets cannot be read (the broker is away, say).
     */
    private void awaitCaughtUp(Set<Integer> partitions, Runnable first) {
        while (true) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            commands.add(() -> {
                try {
                    first.run();
                    List<TopicPartition> wanted = partitions.stream().filter(holders::containsKey)
                            .map(p -> new TopicPartition(topic, p)).toList();
                    if (wanted.isEmpty()) {
                        done.complete(null);
                    } else {
                        restoring.add(new Restore(logEnds(wanted), done, clock.instant()));
                    }
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            try {
                await(done);
                return;
            } catch (EndOffsetsUnknown e) {
                LOG.warnf("Outcome store: %s; trying again in %d s", e.getMessage(), RETRY_SECONDS);
                sleep(Duration.ofSeconds(RETRY_SECONDS));
            }
        }
    }

    /** Waits for a command of the follower; fails if the follower stops meanwhile (the worker is then stopping too). */
    private void await(CompletableFuture<Void> done) {
        while (true) {
            if (!running) {
                throw new IllegalStateException("the outcome store is not following its topic");
            }
            try {
                done.get(1, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                // still reading; check the follower and wait on
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the outcome store", e);
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the outcome store", e);
        }
    }

    /** The partitions are no longer held by this topic here; a number no topic holds any more is no longer followed. */
    void release(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        commands.add(() -> {
            for (TopicPartition partition : revoked) {
                Set<String> topics = holders.get(partition.partition());
                if (topics != null && topics.remove(partition.topic()) && topics.isEmpty()) {
                    holders.remove(partition.partition());
                    marks.remove(partition.partition());
                    pendingCancels.remove(partition.partition());
                }
            }
            consumer.assign(followed());
        });
    }

    /** Opens the follower; called by {@link OutcomeTransactions} at start-up. */
    void start() {
        Map<String, Object> settings = ClientSettings.of(kafka, ConsumerConfig.configNames());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "relocator-outcome-store");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumerMeters = clientMeters.bind(consumer);
        Map<String, Object> adminSettings = ClientSettings.of(kafka, AdminClientConfig.configNames());
        adminSettings.put(AdminClientConfig.CLIENT_ID_CONFIG, "relocator-outcome-store-admin");
        AdminClient created = AdminClient.create(adminSettings);
        adminMeters = clientMeters.bind(created);
        admin = created;
        running = true;
        nextSweep = clock.instant().plus(SWEEP_EVERY);
        follower = new Thread(this::follow, "relocator-outcome-store");
        follower.setDaemon(true);
        follower.start();
    }

    @PreDestroy
    void stop() {
        if (follower != null) {
            running = false;
            try {
                follower.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void follow() {
        try {
            while (running) {
                for (Runnable command; (command = commands.poll()) != null;) {
                    command.run();
                }
                if (consumer.assignment().isEmpty()) {
                    Runnable command = commands.poll(100, TimeUnit.MILLISECONDS);
                    if (command != null) {
                        command.run();
                    }
                    continue;
                }
                // short polls: commands (restores) wait at most this long
                consumer.poll(Duration.ofMillis(100)).forEach(this::apply);
                restoring.removeIf(this::finished);
                sweep();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Without it, requests delivered again could run again: stop, and be restored from the topic at restart.
            running = false;
            LOG.error("The outcome store stopped following its topic: stopping the worker", e);
            restoring.forEach(restore -> restore.done().completeExceptionally(e));
            Quarkus.asyncExit(1);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            consumerMeters.close();
            admin.close(Duration.ofSeconds(5));
            adminMeters.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        Map<String, RequestMark> partitionMarks = marks.get(record.partition());
        if (partitionMarks == null || record.value() == null) {
            return;
        }
        try {
            RequestMark mark = json.readValue(record.value(), RequestMark.class);
            merge(record.partition(), partitionMarks, mark);
        } catch (IOException e) {
            LOG.warnf("Outcome store %s-%d@%d is not a request mark, skipped: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /**
     * The partitions' log end offsets, past any transaction still open: a restore reads up to there, so it also waits
     * for the marks of transactions open at that moment (a hand-off or a STARTED event committed just after), which a
     * read_committed end offset (the last stable offset) would leave out.
     */
    private Map<TopicPartition, Long> logEnds(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        try {
            return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new EndOffsetsUnknown(e);
        }
    }

    private boolean finished(Restore restore) {
        boolean caughtUp = restore.endOffsets().entrySet().stream()
                .allMatch(end -> !consumer.assignment().contains(end.getKey())
                        || consumer.position(end.getKey()) >= end.getValue());
        if (caughtUp) {
            int count = restore.endOffsets().keySet().stream()
                    .mapToInt(p -> marks.getOrDefault(p.partition(), Map.of()).size()).sum();
            LOG.infof("Outcome store: partition(s) %s read up to their end, %d requestId(s) remembered, in %d ms",
                    restore.endOffsets().keySet().stream().map(TopicPartition::partition).sorted().toList(), count,
                    Duration.between(restore.since(), clock.instant()).toMillis());
            restore.done().complete(null);
        }
        return caughtUp;
    }

    private void sweep() {
        Instant now = clock.instant();
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_EVERY);
        marks.values().forEach(partitionMarks -> partitionMarks.values().removeIf(mark -> !withinWindow(mark)));
    }

    private boolean withinWindow(RequestMark mark) {
        return mark.at().isAfter(clock.instant().minus(window));
    }

    private Set<TopicPartition> followed() {
        return holders.keySet().stream().map(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    /** The outcome topic's end offsets could not be read. */
    private static final class EndOffsetsUnknown extends RuntimeException {
        EndOffsetsUnknown(Exception cause) {
            super("the outcome topic's end offsets could not be read: " + cause, cause);
        }
    }

    private record Restore(Map<TopicPartition, Long> endOffsets, CompletableFuture<Void> done, Instant since) {
    }
}
