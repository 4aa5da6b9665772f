package io.relocator.worker.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.TopicConfig;

import io.relocator.worker.config.RelocatorConfig;

/**
 * Whether the topics as they exist on the cluster let the worker keep its guarantees: the start-up check, which runs
 * whether the worker created the topics or an operator did ({@code relocator.topics.create=false}). Plain logic: it is
 * given what {@link TopicCreator} read from the cluster and returns the problems, each naming the topic, the setting
 * and what to change; {@link TopicCreator} refuses to start on any {@link TopicProblem#refusal() refusal}.
 */
final class TopicCheck {

    /** A topic as read from the cluster: partition count, replicas per partition, effective configs. */
    record TopicState(int partitions, int replicationFactor, Map<String, String> configs) {
    }

    /** One finding: a refusal stops start-up, anything else is logged at WARN. */
    record TopicProblem(boolean refusal, String topic, String setting, String message) {
    }

    private final String requests;
    private final String outcomes;
    private final String inbox;
    private final String state;
    private final Set<String> all;
    private final Duration idempotencyWindow;
    private final boolean create;

    TopicCheck(String requests, String events, String deadLetter, String outcomes, String inbox, String state,
            Duration idempotencyWindow, boolean create) {
        this.requests = requests;
        this.outcomes = outcomes;
        this.inbox = inbox;
        this.state = state;
        this.all = new LinkedHashSet<>(List.of(requests, events, deadLetter, outcomes, inbox, state));
        this.idempotencyWindow = idempotencyWindow;
        this.create = create;
    }

    static TopicCheck of(RelocatorConfig config) {
        RelocatorConfig.Topics topics = config.topics();
        return new TopicCheck(topics.requests(), topics.events(), topics.deadLetter(), topics.outcomes(),
                topics.schedulerInbox(), topics.schedulerState(), config.idempotencyWindow(), topics.create());
    }

    /** Every topic the worker reads or writes. */
    Set<String> topics() {
        return all;
    }

    /** What is wrong with {@code found} (the topics that exist, by name); empty when all is well. */
    List<TopicProblem> problems(Map<String, TopicState> found) {
        List<TopicProblem> problems = new ArrayList<>();
        for (String topic : all) {
            TopicState state = found.get(topic);
            if (state == null) {
                problems.add(new TopicProblem(true, topic, "relocator.topics.create", "Topic " + topic
                        + (create ? " does not exist although relocator.topics.create=true: it could not be created"
                                : " does not exist and relocator.topics.create=false: create it (README, Topics) or "
                                        + "set relocator.topics.create=true")));
            } else {
                checkInSyncReplicas(topic, state, problems);
            }
        }
        TopicState requestState = found.get(requests);
        if (requestState != null) {
            checkPartitions(outcomes, found.get(outcomes), requestState.partitions(), problems);
        }
        TopicState outcomeState = found.get(outcomes);
        if (outcomeState != null) {
            checkOutcomeRetention(outcomeState, problems);
        }
        TopicState inboxState = found.get(inbox);
        if (inboxState != null) {
            checkInbox(inboxState, problems);
        }
        TopicState stateState = found.get(state);
        if (stateState != null) {
            checkState(stateState, problems);
        }
        return problems;
    }

    /** Partition 0 holds the requests handed off, 1 the releases; both kept for the idempotency window at least. */
    private void checkInbox(TopicState found, List<TopicProblem> problems) {
        if (found.partitions() < 2) {
            problems.add(new TopicProblem(true, inbox, "partitions", "Topic " + inbox + " has " + found.partitions()
                    + " partition(s): the scheduler's inbox needs 2 (requests handed off, releases of slots); "
                    + "recreate it with 2"));
        }
        checkRetention(inbox, found, "requests waiting in it could be deleted before the scheduler reads them",
                problems);
    }

    /** A topic that must keep its records for the whole idempotency window: retention at least that long. */
    private void checkRetention(String topic, TopicState found, String otherwise, List<TopicProblem> problems) {
        String retention = found.configs().get(TopicConfig.RETENTION_MS_CONFIG);
        long retentionMs = retention == null ? -1 : Long.parseLong(retention.strip());
        if (retentionMs >= 0 && retentionMs < idempotencyWindow.toMillis()) {
            problems.add(new TopicProblem(true, topic, TopicConfig.RETENTION_MS_CONFIG, "Topic " + topic
                    + " has retention.ms=" + retentionMs + ", shorter than relocator.idempotency-window ("
                    + idempotencyWindow + " = " + idempotencyWindow.toMillis() + " ms): " + otherwise
                    + "; set retention.ms to at least " + idempotencyWindow.toMillis()
                    + " or shorten relocator.idempotency-window"));
        }
    }

    /** One writer's compacted log: one partition, compaction only (deletion would drop live grants). */
    private void checkState(TopicState found, List<TopicProblem> problems) {
        if (found.partitions() != 1) {
            problems.add(new TopicProblem(true, state, "partitions", "Topic " + state + " has " + found.partitions()
                    + " partitions: the scheduler's state needs exactly 1 (it is elected by holding it); recreate "
                    + "it with 1"));
        }
        String policy = found.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "").strip();
        if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
            problems.add(new TopicProblem(true, state, TopicConfig.CLEANUP_POLICY_CONFIG, "Topic " + state
                    + " has cleanup.policy=" + policy + ": it must be compact only (deleting old segments would "
                    + "forget grants still running); set cleanup.policy=compact"));
        }
    }

    private void checkPartitions(String topic, TopicState state, int wanted, List<TopicProblem> problems) {
        if (state != null && state.partitions() != wanted) {
            problems.add(new TopicProblem(true, topic, "partitions", "Topic " + topic + " has " + state.partitions()
                    + " partitions and " + requests + " has " + wanted + ": they must have as many (partition p of "
                    + topic + " holds what came from partition p of " + requests + "); recreate " + topic + " with "
                    + wanted + " partitions"));
        }
    }

    /** Writes use {@code acks=all}: a topic that needs more in-sync replicas than it has refuses every write. */
    private static void checkInSyncReplicas(String topic, TopicState state, List<TopicProblem> problems) {
        String value = state.configs().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (value == null) {
            return;
        }
        int minInSync = Integer.parseInt(value.strip());
        int replicas = state.replicationFactor();
        if (minInSync > replicas) {
            problems.add(new TopicProblem(true, topic, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "Topic " + topic
                    + " has min.insync.replicas=" + minInSync + " but only " + replicas + " replicas: every write "
                    + "would be refused; set min.insync.replicas to at most " + replicas + " (or add replicas)"));
        } else if (replicas > 1 && minInSync == 1) {
            problems.add(new TopicProblem(false, topic, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "Topic " + topic
                    + " has " + replicas + " replicas but min.insync.replicas=1: a write acknowledged by one broker "
                    + "is lost if that broker fails; set min.insync.replicas=2 or more"));
        }
    }

    /** The outcome store keeps one mark per requestId (compaction) for the whole idempotency window (retention). */
    private void checkOutcomeRetention(TopicState state, List<TopicProblem> problems) {
        String policy = state.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "");
        boolean compacted = Arrays.stream(policy.split(",")).map(String::strip)
                .anyMatch(TopicConfig.CLEANUP_POLICY_COMPACT::equals);
        if (!compacted) {
            problems.add(new TopicProblem(true, outcomes, TopicConfig.CLEANUP_POLICY_CONFIG, "Topic " + outcomes
                    + " has cleanup.policy=" + policy + ": it must contain compact (the outcome store keeps the last "
                    + "mark of each requestId); set cleanup.policy=compact,delete"));
        }
        checkRetention(outcomes, state, "a duplicate arriving within the window could run again", problems);
    }
}
