package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * The nodes' password, in clear or in base64 (its form on the wire), appears in no event, header, key, dead letter
 * or line of the application's log (written to a file in the test profile, DEBUG for the worker and CXF).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class SecretLeakTest extends FlowTestSupport {

    @ConfigProperty(name = "relocator.simulator.password")
    String password;

    @ConfigProperty(name = "quarkus.log.file.path")
    String logFile;

    @Test
    void thePasswordAppearsNowhere() throws IOException {
        String run = "secret-" + UUID.randomUUID();
        String container = UUID.randomUUID().toString();
        new SimulatorAdmin(port).placeContainer("hn-04", container);
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(run + "-ok", container, "hn-04", "hn-01"));
            requests.send(container, request(run + "-fails", UUID.randomUUID().toString(), "hn-03", "hn-01"));
            requests.send("k", "{\"requestId\":\"" + run + "-bad\",\"options\":\"" + password + "\"}");
        }
        eventsFor(bootstrap, Set.of(run + "-ok", run + "-fails", run + "-bad"));

        List<String> secrets = List.of(password,
                Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        for (String topic : List.of("migration-events", "migration-requests-dlq")) {
            try (TopicReader reader = new TopicReader(bootstrap, topic)) {
                for (ConsumerRecord<byte[], byte[]> record : reader.readToEnd(WAIT)) {
                    String seen = text(record.key()) + text(record.value()) + PublishedEvent.headers(record);
                    secrets.forEach(secret -> assertFalse(seen.contains(secret), "a password in " + topic));
                }
            }
        }
        String log = Files.readString(Path.of(logFile));
        assertTrue(log.contains(run + "-ok"), "the log file is the application's");
        secrets.forEach(secret -> assertFalse(log.contains(secret), "a password in the log"));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
