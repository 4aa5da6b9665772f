package io.relocator.worker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves {@link KafkaBrokerResource}: a real broker starts, topics are created as asked, records go through. */
class KafkaBrokerResourceTest {

    private static final KafkaBrokerResource RESOURCE = new KafkaBrokerResource();
    private static Map<String, String> config;

    @BeforeAll
    static void startBroker() {
        config = RESOURCE.start();
    }

    @AfterAll
    static void stopBroker() {
        String bootstrap = RESOURCE.bootstrap();
        RESOURCE.stop();
        assertNull(RESOURCE.bootstrap());
        assertFalse(listening(bootstrap), "nothing listens on " + bootstrap + " after stop()");
        assertThrows(IllegalStateException.class, KafkaBrokerResource::bootstrapServers);
    }

    @Test
    void createsTopicsProducesAndConsumesOnARealBroker() throws Exception {
        String bootstrap = config.get("kafka.bootstrap.servers");
        assertTrue(bootstrap.matches("127\\.0\\.0\\.1:\\d+"), bootstrap);
        assertEquals(bootstrap, KafkaBrokerResource.bootstrapServers());

        String topic = "resource-test-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
            assertEquals(3, description.partitions().size(), "partitions of " + topic);
        }

        try (KafkaCompanion companion = new KafkaCompanion(bootstrap)) {
            assertEquals(3, companion.topics().describe(topic).get(topic).partitions().size());

            companion.produceStrings()
                    .fromRecords(KafkaCompanion.record(topic, 2, "container-1", "hello"))
                    .awaitCompletion(Duration.ofSeconds(30));

            ConsumerTask<String, String> consumed = companion.consumeStrings()
                    .withGroupId("resource-test-" + UUID.randomUUID())
                    .withAutoCommit()
                    .fromTopics(topic, 1)
                    .awaitCompletion(Duration.ofSeconds(30));
            ConsumerRecord<String, String> record = consumed.getRecords().get(0);
            assertEquals("container-1", record.key());
            assertEquals("hello", record.value());
            assertEquals(2, record.partition());
        }
    }

    @Test
    void anExistingBrokerIsUsedAndLeftRunning() {
        String bootstrap = config.get("kafka.bootstrap.servers");
        System.setProperty(KafkaBrokerResource.EXTERNAL_BROKER, bootstrap);
        try {
            KafkaBrokerResource adopted = new KafkaBrokerResource();
            assertEquals(Map.of("kafka.bootstrap.servers", bootstrap), adopted.start());
            assertNull(adopted.brokerDir(), "nothing started");
            adopted.stop();
            assertTrue(listening(bootstrap), "the existing broker must still be running");
        } finally {
            System.clearProperty(KafkaBrokerResource.EXTERNAL_BROKER);
        }
    }

    private static boolean listening(String bootstrap) {
        String[] hostPort = bootstrap.split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
