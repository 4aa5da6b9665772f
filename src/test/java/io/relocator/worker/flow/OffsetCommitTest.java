package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;

/** Once every request has its outcome, the worker's group has committed every partition up to its end. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OffsetCommitTest extends FlowTestSupport {

    @Test
    void offsetsAreCommittedUpToTheEndOnceOutcomesArePublished() throws Exception {
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        String run = "commit-" + UUID.randomUUID();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < 6; i++) {
                String container = UUID.randomUUID().toString();
                simulator.placeContainer("hn-02", container);
                requests.send(container, request(run + "-" + i, container, "hn-02", "hn-03"));
            }
            requests.send("k-" + run, ("garbage " + run).getBytes(StandardCharsets.UTF_8));
        }
        eventsFor(bootstrap, Set.of(run + "-0", run + "-1", run + "-2", run + "-3", run + "-4", run + "-5"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<TopicPartition> partitions = admin.describeTopics(Set.of(RequestPublisher.TOPIC)).allTopicNames()
                    .get().get(RequestPublisher.TOPIC).partitions().stream()
                    .map(p -> new TopicPartition(RequestPublisher.TOPIC, p.partition())).collect(Collectors.toSet());
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(ends, committed(admin, ends)));
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, Map<TopicPartition, Long> ends)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("relocator-worker")
                .partitionsToOffsetAndMetadata().get();
        return ends.keySet().stream().collect(Collectors.toMap(Function.identity(),
                p -> offsets.get(p) == null ? 0L : offsets.get(p).offset()));
    }
}
