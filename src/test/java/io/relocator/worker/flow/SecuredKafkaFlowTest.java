package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SaslSslKafkaBrokerResource;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * The worker on a broker that takes SASL_SSL clients only (PLAIN, a certificate made for the run, passwords made up for
 * the run): one migration ends COMPLETED. So every client the worker builds connects with the {@code kafka.*} security
 * settings: the topic admin (the topics do not exist before the start), the outcome-store reader and its admin client,
 * the transactional and the immediate producers, and both channels' consumers. A separate application start (own
 * profile, no global test resources), so the other tests keep their plaintext broker.
 */
@QuarkusTest
@TestProfile(SecuredKafkaFlowTest.SaslSsl.class)
class SecuredKafkaFlowTest {

    /** The secured broker and the simulated Agents, and nothing else. */
    public static class SaslSsl implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SaslSslKafkaBrokerResource.class),
                    new TestResourceEntry(SimulatedNodesResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void aMigrationCompletesOverSaslSsl() {
        Map<String, Object> client = kafkaSettings();
        String container = UUID.randomUUID().toString();
        String requestId = "sasl-ssl-" + UUID.randomUUID();
        new SimulatorAdmin(ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class))
                .placeContainer("hn-01", container);
        try (RequestPublisher requests = new RequestPublisher(client)) {
            requests.send(container, request(requestId, container, "hn-01", "hn-02"));
        }

        List<String> statuses;
        try (TopicReader events = new TopicReader(client, "migration-events", "read_committed")) {
            statuses = events.readUntil(records -> records.stream().map(PublishedEvent::of)
                    .anyMatch(e -> e.requestId().equals(requestId) && e.isTerminal()), Duration.ofSeconds(40))
                    .stream().map(PublishedEvent::of).filter(e -> e.requestId().equals(requestId))
                    .map(PublishedEvent::status).toList();
        }
        assertEquals(List.of("STARTED", "COMPLETED"), statuses);
    }

    @Test
    void theBrokerHasNoPlaintextListenerForClients() throws Exception {
        Map<String, Object> client = kafkaSettings();
        Path brokerDir = Path.of(client.get("ssl.truststore.location").toString()).getParent();
        String listeners = Files.readAllLines(brokerDir.resolve("server.properties")).stream()
                .filter(line -> line.startsWith("listeners=")).findFirst().orElseThrow();
        assertEquals(List.of("SASL_SSL", "CONTROLLER"), List.of(listeners.substring("listeners=".length()).split(","))
                .stream().map(l -> l.substring(0, l.indexOf(':'))).toList(), listeners);

        // An anonymous plaintext client on the same address gets nowhere.
        Map<String, Object> anonymous = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                client.get("bootstrap.servers"), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(anonymous)) {
            assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
        }
    }

    /** The application's {@code kafka.*} settings, as the resource set them: what a test client needs. */
    private static Map<String, Object> kafkaSettings() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.") && !name.startsWith("kafka.devservices")) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> settings.put(name.substring("kafka.".length()), value));
            }
        }
        assertEquals("SASL_SSL", settings.get("security.protocol"), settings.keySet().toString());
        assertTrue(settings.containsKey("sasl.jaas.config"));
        return settings;
    }
}
