package io.relocator.worker.messaging;

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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.config.RelocatorConfig;

/**
 * Creates the worker's topics at start-up, before the channels connect, with the partitions and settings the README
 * documents; a topic that exists is left as it is. Never relies on broker auto-creation (one partition, no settings).
 */
@ApplicationScoped
public class TopicCreator {

    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    void createTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
            RelocatorConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap)
            throws InterruptedException, ExecutionException, TimeoutException {
        RelocatorConfig.Topics topics = config.topics();
        if (!topics.create()) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted(topics).stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                missing.forEach(t -> LOG.infof("Created topic %s (%d partitions, %s)", t.name(), t.numPartitions(),
                        t.configs()));
            }
        }
    }

    static List<NewTopic> wanted(RelocatorConfig.Topics topics) {
        String retention = Long.toString(topics.retention().toMillis());
        Map<String, String> kept = Map.of(TopicConfig.RETENTION_MS_CONFIG, retention);
        return List.of(
                new NewTopic(topics.requests(), topics.partitions(), topics.replicationFactor()).configs(kept),
                new NewTopic(topics.events(), topics.partitions(), topics.replicationFactor()).configs(kept),
                new NewTopic(topics.deadLetter(), topics.partitions(), topics.replicationFactor()).configs(kept),
                new NewTopic(topics.parked(), topics.partitions(), topics.replicationFactor()).configs(kept));
    }
}
