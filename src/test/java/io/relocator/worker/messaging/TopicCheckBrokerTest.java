package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.relocator.worker.testing.BrokerWithAdmin;

/**
 * The start-up topic check against a real broker: badly configured topics created by hand, read back the way the worker
 * reads them at start-up ({@link TopicCreator#describe}), refused with a message naming the topic and the setting.
 * Not a @QuarkusTest: the application start is the same call, and the logic is {@link TopicCheckTest}'s.
 */
class TopicCheckBrokerTest {

    @RegisterExtension
    static final BrokerWithAdmin BROKER = new BrokerWithAdmin();

    @Test
    void badlyConfiguredTopicsAreRefusedNamingTopicAndSetting() throws Exception {
        String run = "c" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicCheck check = new TopicCheck(run + "req", run + "ev", run + "dlq", run + "outcomes", run + "inbox",
                run + "state", Duration.ofDays(7), false);
        BROKER.admin().createTopics(List.of(
                new NewTopic(run + "req", 3, (short) 1),
                new NewTopic(run + "ev", 3, (short) 1).configs(Map.of("min.insync.replicas", "2")),
                new NewTopic(run + "inbox", 2, (short) 1).configs(Map.of("retention.ms", "604800000")),
                new NewTopic(run + "state", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                // what broker defaults give a topic created by hand without the README's settings
                new NewTopic(run + "outcomes", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        awaitVisible(check);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> TopicCreator.refuseOn(check.problems(TopicCreator.describe(BROKER.admin(), check.topics()))));

        String message = refused.getMessage();
        assertTrue(message.contains("Topic " + run + "dlq does not exist and relocator.topics.create=false"), message);
        assertTrue(message.contains("Topic " + run + "ev has min.insync.replicas=2 but only 1 replicas"), message);
        assertTrue(message.contains("Topic " + run + "outcomes has cleanup.policy=delete"), message);
        assertEquals(3, message.split("; Topic ").length, message);
    }

    @Test
    void topicsAsTheWorkerCreatesThemPass() throws Exception {
        String run = "w" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicCheck check = new TopicCheck(run + "req", run + "ev", run + "dlq", run + "outcomes", run + "inbox",
                run + "state", Duration.ofDays(7), true);
        TestTopics topics = new TestTopics(run);
        BROKER.admin().createTopics(TopicCreator.wanted(topics, 2, Duration.ofDays(7))).all().get(30, TimeUnit.SECONDS);
        awaitVisible(check);

        assertEquals(List.of(), check.problems(TopicCreator.describe(BROKER.admin(), check.topics())));
    }

    /** Until the broker lists every topic of the run that was created (all but the dead-letter one, at most). */
    private static void awaitVisible(TopicCheck check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (BROKER.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(check.topics()::contains)
                .count() < check.topics().size() - 1 && System.nanoTime() < deadline) {
            Thread.sleep(50); // paces the polling; the listing is what is waited for
        }
    }

    /** The topic names of one run, with the defaults of {@code relocator.topics.*}. */
    private record TestTopics(String run) implements io.relocator.worker.config.RelocatorConfig.Topics {
        public String requests() {
            return run + "req";
        }

        public String events() {
            return run + "ev";
        }

        public String deadLetter() {
            return run + "dlq";
        }

        public String schedulerInbox() {
            return run + "inbox";
        }

        public String schedulerState() {
            return run + "state";
        }

        public String outcomes() {
            return run + "outcomes";
        }

        public boolean create() {
            return true;
        }

        public int partitions() {
            return 2;
        }

        public short replicationFactor() {
            return 1;
        }

        public Duration retention() {
            return Duration.ofDays(7);
        }
    }
}
