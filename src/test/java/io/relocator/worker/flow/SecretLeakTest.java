package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.FAULTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
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
 * The nodes' password, in clear or in base64 (its form on the wire), leaves the process by no path: not in events, dead
 * letters, the internal topics (outcome marks, the scheduler's inbox and state; read uncommitted, aborted transactions included), the
 * application's log (a file in the test profile, DEBUG for the worker and CXF), {@code /q/metrics}, {@code /q/health}
 * or the simulator's admin view. One Agent ({@value SimulatedNodesResource#FAULTY}) is careless and repeats the
 * password it was sent in its fault text ({@code ECHO_CREDENTIALS}), which the worker copies into a FAILED event.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class SecretLeakTest extends FlowTestSupport {

    private static final int ECHO_CODE = 133;

    @ConfigProperty(name = "relocator.simulator.password")
    String password;

    @ConfigProperty(name = "quarkus.log.file.path")
    String logFile;

    @ConfigProperty(name = "relocator.topics.events")
    String eventsTopic;

    @ConfigProperty(name = "relocator.topics.dead-letter")
    String deadLetterTopic;

    @ConfigProperty(name = "relocator.topics.outcomes")
    String outcomesTopic;

    @ConfigProperty(name = "relocator.topics.scheduler-inbox")
    String inboxTopic;
    @ConfigProperty(name = "relocator.topics.scheduler-state")
    String stateTopic;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        String run = "secret-" + UUID.randomUUID();
        String container = UUID.randomUUID().toString();
        String echoed = UUID.randomUUID().toString();
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        simulator.placeContainer("hn-04", container);
        simulator.placeContainer(FAULTY, echoed);
        simulator.fault(FAULTY, "ECHO_CREDENTIALS", ECHO_CODE);
        Map<String, List<PublishedEvent>> events;
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            requests.send(container, request(run + "-ok", container, "hn-04", "hn-01"));
            requests.send(container, request(run + "-fails", UUID.randomUUID().toString(), "hn-03", "hn-01"));
            requests.send(echoed, request(run + "-echo", echoed, FAULTY, "hn-01"));
            requests.send("k", "{\"requestId\":\"" + run + "-bad\",\"options\":\"" + password + "\"}");
            events = eventsFor(bootstrap, Set.of(run + "-ok", run + "-fails", run + "-echo", run + "-bad"));
        } finally {
            simulator.fault(FAULTY, "NONE", 0);
        }

        // The careless Agent did repeat it, and the worker copied its text with the password masked.
        PublishedEvent echo = events.get(run + "-echo").get(events.get(run + "-echo").size() - 1);
        assertEquals(ECHO_CODE, echo.body().path("error").path("agentCode").asInt(), echo.body().toString());
        assertTrue(echo.body().path("error").path("message").asText().contains("with password *** (sent as ***)"),
                echo.body().toString());

        List<String> secrets = List.of(password,
                Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        assertTrue(noSecretIn(eventsTopic, secrets).contains(run + "-echo"), "the events topic was read");
        noSecretIn(deadLetterTopic, secrets);
        assertTrue(noSecretIn(outcomesTopic, secrets).contains(run + "-echo"), "the outcome topic was read");
        assertTrue(noSecretIn(inboxTopic, secrets).contains(run + "-echo"), "the scheduler's inbox was read");
        assertTrue(noSecretIn(stateTopic, secrets).contains(run + "-echo"), "the scheduler's state was read");

        String log = Files.readString(Path.of(logFile));
        assertTrue(log.contains(run + "-echo"), "the log file is the application's");
        secrets.forEach(secret -> assertFalse(log.contains(secret), "a password in the log"));
        assertFalse(log.contains(ConfigProvider.getConfig().getValue("relocator.simulator.admin-token", String.class)),
                "the simulator's admin token in the log");

        for (String path : List.of("/q/metrics", "/q/health", "/q/health/live", "/q/health/ready")) {
            String body = get(path);
            assertFalse(body.isEmpty(), path + " answered");
            secrets.forEach(secret -> assertFalse(body.contains(secret), "a password at " + path));
        }
        String stats = simulator.stats().toString();
        secrets.forEach(secret -> assertFalse(stats.contains(secret), "a password in the simulator's stats"));
    }

    /** Every record of the topic, uncommitted ones too, as text: key, value and headers; fails on a secret. */
    private String noSecretIn(String topic, List<String> secrets) {
        StringBuilder all = new StringBuilder();
        try (TopicReader reader = new TopicReader(bootstrap, topic, "read_uncommitted")) {
            for (ConsumerRecord<byte[], byte[]> record : reader.readToEnd(WAIT)) {
                String seen = text(record.key()) + text(record.value()) + PublishedEvent.headers(record);
                secrets.forEach(secret -> assertFalse(seen.contains(secret), "a password in " + topic + ": " + seen));
                all.append(seen).append('\n');
            }
        }
        return all.toString();
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
