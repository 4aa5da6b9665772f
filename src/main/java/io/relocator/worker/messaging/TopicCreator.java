package io.relocator.worker.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Prepares the worker's topics at start-up, before the channels connect: creates the missing ones (unless
 * {@code relocator.topics.create=false}) with the partitions and settings the README documents, leaving existing ones
 * as they are (never broker auto-creation: one partition, no settings); then, created or not, reads every topic back and
 * refuses to start on what {@link TopicCheck} finds wrong. Its admin client takes the {@code kafka.*} settings,
 * security included, like the worker's other clients.
 */
@ApplicationScoped
public class TopicCreator {

    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    void prepareTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
            RelocatorConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            KafkaClientMeters clientMeters)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!config.worker().enabled()) {
            return;
        }
        TopicCheck check = TopicCheck.of(config);
        Map<String, Object> settings = adminSettings(kafka);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "relocator-topics");
        try (AdminClient admin = AdminClient.create(settings);
                KafkaClientMetrics meters = clientMeters.bind(admin)) {
            if (config.topics().create()) {
                createMissing(admin, config.topics(), config.idempotencyWindow());
            }
            refuseOn(check.problems(describe(admin, check.topics())));
        }
    }

    private static void createMissing(Admin admin, RelocatorConfig.Topics topics, Duration window)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        int partitions = existing.contains(topics.requests())
                ? describe(admin, Set.of(topics.requests())).get(topics.requests()).partitions()
                : topics.partitions();
        List<NewTopic> missing = wanted(topics, partitions, window).stream()
                .filter(t -> !existing.contains(t.name())).toList();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            missing.forEach(t -> LOG.infof("Created topic %s (%d partitions, %s)", t.name(), t.numPartitions(),
                    t.configs()));
            awaitVisible(admin, missing.stream().map(NewTopic::name).toList());
        }
    }

    /** A created topic reaches the brokers' metadata a little after the controller answered: wait for it (bounded). */
    private static void awaitVisible(Admin admin, List<String> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(created)
                && System.nanoTime() < deadline) {
            Thread.sleep(100); // paces the polling of the metadata; the check above is what is waited for
        }
    }

    /** The topics of {@code names} that exist, with their partitions, replicas and effective configs. */
    static Map<String, TopicCheck.TopicState> describe(Admin admin, Set<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        existing.retainAll(names);
        if (existing.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(existing).allTopicNames()
                .get(30, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(existing.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all()
                .get(30, TimeUnit.SECONDS);
        Map<String, TopicCheck.TopicState> states = new HashMap<>();
        descriptions.forEach((name, description) -> {
            Map<String, String> values = new HashMap<>();
            configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries()
                    .forEach(entry -> values.put(entry.name(), entry.value()));
            states.put(name, new TopicCheck.TopicState(description.partitions().size(),
                    description.partitions().get(0).replicas().size(), values));
        });
        return states;
    }

    /** Logs every problem; throws (start-up fails, the process exits non-zero) when any is a refusal. */
    static void refuseOn(List<TopicCheck.TopicProblem> problems) {
        problems.stream().filter(p -> !p.refusal()).forEach(p -> LOG.warn(p.message()));
        List<String> refusals = problems.stream().filter(TopicCheck.TopicProblem::refusal)
                .map(TopicCheck.TopicProblem::message).toList();
        if (!refusals.isEmpty()) {
            refusals.forEach(LOG::error);
            throw new IllegalStateException("The worker's topics are not fit to run on: " + String.join("; ", refusals));
        }
    }

    /**
     * The admin client's settings: the application's {@code kafka.*} properties an admin client knows (bootstrap
     * servers, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}...), as every other client of the worker gets
     * them, so that topics can be created on a secured cluster too.
     */
    static Map<String, Object> adminSettings(Map<String, Object> kafka) {
        return ClientSettings.of(kafka, AdminClientConfig.configNames());
    }

    /**
     * The topics with their settings. The outcome topic gets {@code partitions}, the requests topic's count: partition
     * p holds what came from partition p of the requests. The scheduler's inbox gets 2 (requests handed off, releases),
     * kept for the idempotency window; its state 1, compacted only, with segments small and cleaned early so that a
     * new scheduler reads back little more than what is live.
     */
    static List<NewTopic> wanted(RelocatorConfig.Topics topics, int partitions, Duration window) {
        Map<String, String> kept = Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topics.retention().toMillis()));
        // One mark per requestId (compaction), none older than the window (deletion); segments roll daily at most so
        // that both happen.
        Map<String, String> outcomes = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(window.toMillis()),
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Math.min(window.toMillis(), Duration.ofDays(1).toMillis())));
        Map<String, String> inbox = Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(window.toMillis()));
        Map<String, String> state = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()),
                TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));
        short replication = topics.replicationFactor();
        return List.of(
                new NewTopic(topics.requests(), partitions, replication).configs(kept),
                new NewTopic(topics.events(), topics.partitions(), replication).configs(kept),
                new NewTopic(topics.deadLetter(), topics.partitions(), replication).configs(kept),
                new NewTopic(topics.outcomes(), partitions, replication).configs(outcomes),
                new NewTopic(topics.schedulerInbox(), 2, replication).configs(inbox),
                new NewTopic(topics.schedulerState(), 1, replication).configs(state));
    }
}
