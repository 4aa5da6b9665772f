package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.Direction;
import io.relocator.worker.domain.NodeCommand;
import io.relocator.worker.domain.NodeControl;

/**
 * The records of the operator's node controls: a {@code CONTROL} command on the scheduler's inbox partition 1 (the
 * releases' partition, so a command is never stuck behind {@code max-waiting} requests), keyed by node, and the
 * node's control as the scheduler applied it, in the state topic under key {@code n:<node>} (a tombstone once the
 * node is back to its configuration), which a new scheduler and every worker's {@link FleetView} read back.
 */
@ApplicationScoped
public class NodeControlRecords {

    static final String KEY_PREFIX = "n:";

    private final String inbox;
    private final String state;
    private final ObjectMapper json;

    public NodeControlRecords(RelocatorConfig config, ObjectMapper json) {
        this.inbox = config.topics().schedulerInbox();
        this.state = config.topics().schedulerState();
        this.json = json;
    }

    /** The command for the scheduler, with who gave it (a user name, never a credential) and when. */
    ProducerRecord<byte[], byte[]> command(NodeCommand command, String actor, Instant at) {
        ObjectNode value = commandNode(command).put("type", "CONTROL").put("actor", actor)
                .put("requestedAt", at.toString());
        return new ProducerRecord<>(inbox, LedgerRecords.RELEASES, command.node().getBytes(StandardCharsets.UTF_8),
                bytes(value));
    }

    /** The command's fields: {@code action}, {@code node}, and {@code direction} or the bounds when it has them. */
    ObjectNode commandNode(NodeCommand command) {
        ObjectNode value = json.createObjectNode().put("action", command.action()).put("node", command.node());
        if (command instanceof NodeCommand.Pause pause) {
            value.put("direction", pause.direction().name());
        } else if (command instanceof NodeCommand.Resume resume) {
            value.put("direction", resume.direction().name());
        } else if (command instanceof NodeCommand.OverrideBounds bounds) {
            bounds.maxIncoming().ifPresent(bound -> value.put("maxIncoming", bound));
            bounds.maxOutgoing().ifPresent(bound -> value.put("maxOutgoing", bound));
        }
        return value;
    }

    /** A {@code CONTROL} record of the inbox, read back by the scheduler. */
    InboxRecord inboxRecord(JsonNode value) {
        String node = value.path("node").asText();
        String action = value.path("action").asText();
        try {
            NodeCommand command = switch (action) {
                case "PAUSE" -> new NodeCommand.Pause(node, Direction.valueOf(value.path("direction").asText()));
                case "RESUME" -> new NodeCommand.Resume(node, Direction.valueOf(value.path("direction").asText()));
                case "OVERRIDE_BOUNDS" -> new NodeCommand.OverrideBounds(node, optionalInt(value, "maxIncoming"),
                        optionalInt(value, "maxOutgoing"));
                case "RESET_BOUNDS" -> new NodeCommand.ResetBounds(node);
                default -> null;
            };
            if (command == null || node.isEmpty()) {
                return new InboxRecord.Unreadable("a control with unknown action '" + action + "' or no node");
            }
            return new InboxRecord.Control(command, value.path("actor").asText());
        } catch (IllegalArgumentException e) {
            return new InboxRecord.Unreadable("a control that cannot be applied: " + e.getMessage());
        }
    }

    /** The node's control for the state topic; a tombstone when nothing is set any more. */
    ProducerRecord<byte[], byte[]> state(NodeControl control) {
        byte[] key = (KEY_PREFIX + control.node()).getBytes(StandardCharsets.UTF_8);
        if (control.isNone()) {
            return new ProducerRecord<>(state, 0, key, null);
        }
        ObjectNode value = json.createObjectNode().put("pausedIn", control.pausedIn())
                .put("pausedOut", control.pausedOut());
        control.maxIncoming().ifPresent(bound -> value.put("maxIncoming", bound));
        control.maxOutgoing().ifPresent(bound -> value.put("maxOutgoing", bound));
        return new ProducerRecord<>(state, 0, key, bytes(value));
    }

    /** A state-topic record under {@code n:<node>}; empty when its value cannot be read. */
    Optional<LedgerRecords.StateRecord> stateRecord(String key, byte[] value) {
        String node = key.substring(KEY_PREFIX.length());
        if (value == null) {
            return Optional.of(new LedgerRecords.StateRecord.Controlled(NodeControl.none(node)));
        }
        try {
            JsonNode read = json.readTree(value);
            return Optional.of(new LedgerRecords.StateRecord.Controlled(new NodeControl(node,
                    read.path("pausedIn").asBoolean(), read.path("pausedOut").asBoolean(),
                    optionalInt(read, "maxIncoming"), optionalInt(read, "maxOutgoing"))));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static OptionalInt optionalInt(JsonNode value, String field) {
        return value.hasNonNull(field) ? OptionalInt.of(value.get(field).asInt()) : OptionalInt.empty();
    }

    private byte[] bytes(JsonNode value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A control record could not be written as JSON", e);
        }
    }
}
