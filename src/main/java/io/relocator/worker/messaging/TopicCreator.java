package io.relocator.worker.messaging;

import java.time.Duration;
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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates the worker's topics at start-up, before the channels connect, with the partitions and settings the README
 * documents; a topic that exists is left as it is. Never relies on broker auto-creation (one partition, no settings).
 * Refuses to start when the parking or outcome topic has not as many partitions as the requests topic. Its admin client
 * takes the {@code kafka.*} settings, security included, like the worker's other clients.
 */
@ApplicationScoped
public class TopicCreator {

    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    void createTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
            RelocatorConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka)
            throws InterruptedException, ExecutionException, TimeoutException {
        RelocatorConfig.Topics topics = config.topics();
        if (!topics.create() || !config.worker().enabled()) {
            return;
        }
        try (Admin admin = Admin.create(adminSettings(kafka))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int partitions = existing.contains(topics.requests()) ? partitionsOf(admin, topics.requests())
                    : topics.partitions();
            List<NewTopic> missing = wanted(topics, partitions, config.idempotencyWindow()).stream()
                    .filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                missing.forEach(t -> LOG.infof("Created topic %s (%d partitions, %s)", t.name(), t.numPartitions(),
                        t.configs()));
            }
            for (String alongside : List.of(topics.parked(), topics.outcomes())) {
                int count = partitionsOf(admin, alongside);
                if (count != partitions) {
                    throw new IllegalStateException("Topic " + alongside + " has " + count + " partitions and "
                            + topics.requests() + " has " + partitions + ": they must have as many (README, Topics)");
                }
            }
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
     * The topics with their settings. The parking and outcome topics get {@code partitions}, the requests topic's
     * count: partition p of each holds what came from partition p of the requests.
     */
    static List<NewTopic> wanted(RelocatorConfig.Topics topics, int partitions, Duration window) {
        Map<String, String> kept = Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topics.retention().toMillis()));
        // One mark per requestId (compaction), none older than the window (deletion); segments roll daily at most so
        // that both happen.
        Map<String, String> outcomes = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(window.toMillis()),
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Math.min(window.toMillis(), Duration.ofDays(1).toMillis())));
        short replication = topics.replicationFactor();
        return List.of(
                new NewTopic(topics.requests(), partitions, replication).configs(kept),
                new NewTopic(topics.events(), topics.partitions(), replication).configs(kept),
                new NewTopic(topics.deadLetter(), topics.partitions(), replication).configs(kept),
                new NewTopic(topics.parked(), partitions, replication).configs(kept),
                new NewTopic(topics.outcomes(), partitions, replication).configs(outcomes));
    }

    private static int partitionsOf(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .size();
    }
}
