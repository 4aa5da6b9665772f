package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.relocator.worker.messaging.TopicCheck.TopicProblem;
import io.relocator.worker.messaging.TopicCheck.TopicState;

/**
 * The start-up check of existing topics, as plain logic: topic states in, problems out. Not a @QuarkusTest because the
 * decision needs no broker; {@code TopicCheckBrokerTest} reads the states from a real one.
 */
class TopicCheckTest {

    private static final Duration WINDOW = Duration.ofDays(7);
    private static final TopicCheck CHECK = new TopicCheck("req", "ev", "dlq", "outcomes", "inbox", "state", WINDOW,
            false);

    @Test
    void topicsAsTheWorkerCreatesThemPass() {
        assertEquals(List.of(), CHECK.problems(healthy(6, 1)));
    }

    @Test
    void aMissingTopicIsRefusedByName() {
        Map<String, TopicState> found = healthy(6, 1);
        found.remove("dlq");
        List<TopicProblem> problems = CHECK.problems(found);
        assertEquals(1, problems.size(), problems.toString());
        TopicProblem missing = problems.get(0);
        assertTrue(missing.refusal());
        assertEquals("dlq", missing.topic());
        assertEquals("relocator.topics.create", missing.setting());
        assertTrue(missing.message().contains("relocator.topics.create=false"), missing.message());
    }

    @Test
    void theOutcomeTopicNeedsAsManyPartitionsAsTheRequests() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("outcomes", state(12, 1, outcomeConfigs("compact,delete", WINDOW.toMillis())));
        TopicProblem problem = only(CHECK.problems(found));
        assertEquals("outcomes", problem.topic());
        assertTrue(problem.refusal());
        assertEquals("partitions", problem.setting());
        assertTrue(problem.message().contains("req has 6"), problem.message());
    }

    @Test
    void theSchedulerStateIsOneCompactOnlyPartition() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("state", state(3, 1, Map.of("cleanup.policy", "compact,delete")));
        List<TopicProblem> problems = CHECK.problems(found);
        assertEquals(List.of("partitions", "cleanup.policy"), problems.stream().map(TopicProblem::setting).toList());
        problems.forEach(p -> {
            assertTrue(p.refusal());
            assertEquals("state", p.topic());
        });
        assertTrue(problems.get(0).message().contains("exactly 1"), problems.get(0).message());
        assertTrue(problems.get(1).message().contains("set cleanup.policy=compact"), problems.get(1).message());
    }

    @Test
    void theSchedulerInboxHasTwoPartitionsKeptForTheIdempotencyWindow() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("inbox", state(1, 1, Map.of("cleanup.policy", "delete",
                "retention.ms", Long.toString(Duration.ofHours(1).toMillis()))));
        List<TopicProblem> problems = CHECK.problems(found);
        assertEquals(List.of("partitions", "retention.ms"), problems.stream().map(TopicProblem::setting).toList());
        problems.forEach(p -> assertTrue(p.refusal() && p.topic().equals("inbox"), p.toString()));
        assertTrue(problems.get(1).message().contains("relocator.idempotency-window"), problems.get(1).message());
    }

    @Test
    void theOutcomeTopicMustBeCompacted() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("outcomes", state(6, 1, outcomeConfigs("delete", WINDOW.toMillis())));
        TopicProblem problem = only(CHECK.problems(found));
        assertEquals("cleanup.policy", problem.setting());
        assertTrue(problem.message().contains("set cleanup.policy=compact,delete"), problem.message());
    }

    @Test
    void theOutcomeTopicKeepsMarksForTheWholeIdempotencyWindow() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("outcomes", state(6, 1, outcomeConfigs("compact", Duration.ofDays(1).toMillis())));
        TopicProblem problem = only(CHECK.problems(found));
        assertEquals("retention.ms", problem.setting());
        assertTrue(problem.message().contains("relocator.idempotency-window"), problem.message());

        found.put("outcomes", state(6, 1, outcomeConfigs("compact", -1))); // kept forever
        assertEquals(List.of(), CHECK.problems(found));
    }

    @Test
    void moreInSyncReplicasThanReplicasIsRefused() {
        Map<String, TopicState> found = healthy(6, 1);
        found.put("ev", state(6, 1, Map.of("min.insync.replicas", "2")));
        TopicProblem problem = only(CHECK.problems(found));
        assertEquals("ev", problem.topic());
        assertEquals("min.insync.replicas", problem.setting());
        assertTrue(problem.message().contains("at most 1"), problem.message());
    }

    @Test
    void oneInSyncReplicaOutOfSeveralIsOnlyAWarning() {
        Map<String, TopicState> found = healthy(6, 3);
        found.put("dlq", state(6, 3, Map.of("min.insync.replicas", "1")));
        TopicProblem problem = only(CHECK.problems(found));
        assertEquals(false, problem.refusal());
        assertEquals("dlq", problem.topic());
    }

    private static TopicProblem only(List<TopicProblem> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    /** The six topics as {@link TopicCreator#wanted} makes them, min.insync.replicas 2 where there are 3 replicas. */
    private static Map<String, TopicState> healthy(int partitions, int replicas) {
        String minInSync = replicas > 1 ? "2" : "1";
        Map<String, TopicState> found = new HashMap<>();
        for (String topic : List.of("req", "ev", "dlq")) {
            found.put(topic, state(partitions, replicas, Map.of("min.insync.replicas", minInSync,
                    "cleanup.policy", "delete", "retention.ms", "604800000")));
        }
        found.put("inbox", state(2, replicas, Map.of("min.insync.replicas", minInSync, "cleanup.policy", "delete",
                "retention.ms", Long.toString(WINDOW.toMillis()))));
        found.put("state", state(1, replicas, Map.of("min.insync.replicas", minInSync, "cleanup.policy", "compact")));
        Map<String, String> outcomes = new HashMap<>(outcomeConfigs("compact,delete", WINDOW.toMillis()));
        outcomes.put("min.insync.replicas", minInSync);
        found.put("outcomes", state(partitions, replicas, outcomes));
        return found;
    }

    private static Map<String, String> outcomeConfigs(String policy, long retentionMs) {
        return Map.of("cleanup.policy", policy, "retention.ms", Long.toString(retentionMs));
    }

    private static TopicState state(int partitions, int replicas, Map<String, String> configs) {
        return new TopicState(partitions, replicas, configs);
    }
}
