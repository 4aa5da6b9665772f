package io.relocator.worker.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.NodeControl;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.RequestParser;
import io.relocator.worker.domain.TraceContext;

/**
 * The records of the scheduling ledger, written and read back: the scheduler's inbox (partition 0: requests handed
 * off, partition 1: releases of slots and operators' node controls; partition 0 also carries the {@code CANCEL}s of
 * requests) and its state topic (one entry per request, key {@code r:<requestId>}, one per controlled node, key
 * {@code n:<node>} ({@link NodeControlRecords}), and the scheduler's position, key {@value #POSITION_KEY}). A request
 * is kept as the validated request in the contract's
 * form (its fields only, never the original record's bytes) and read back through the {@link RequestParser}, with the
 * time it was first read and the trace context its work continues ({@code traceparent}, {@code tracestate}: the
 * intake's span), so that whichever worker runs it continues the same trace.
 */
@ApplicationScoped
public class LedgerRecords {

    static final int WANTS = 0;
    static final int RELEASES = 1;
    static final String POSITION_KEY = "pos";
    private static final String ENTRY_PREFIX = "r:";

    private final String inbox;
    private final String state;
    private final ObjectMapper json;
    private final RequestParser parser;
    private final NodeControlRecords controls;

    public LedgerRecords(RelocatorConfig config, ObjectMapper json, RequestParser parser,
            NodeControlRecords controls) {
        this.controls = controls;
        this.inbox = config.topics().schedulerInbox();
        this.state = config.topics().schedulerState();
        this.json = json;
        this.parser = parser;
    }

    String inboxTopic() {
        return inbox;
    }

    String stateTopic() {
        return state;
    }

    /** The request handed to the scheduler, by the owner of requests partition {@code partition}. */
    ProducerRecord<byte[], byte[]> want(MigrationRequest request, int partition) {
        ObjectNode value = json.createObjectNode().put("type", "WANT").put("partition", partition);
        value.set("request", requestNode(request));
        return new ProducerRecord<>(inbox, WANTS, key(request.requestId()), bytes(value));
    }

    /**
     * {@code requestId} is to be cancelled (by the cancel {@code cancelId}): written to the wants partition, after the
     * request's own WANT, so the scheduler reads it after the request.
     */
    ProducerRecord<byte[], byte[]> cancel(String requestId, String cancelId) {
        ObjectNode value = json.createObjectNode().put("type", "CANCEL").put("requestId", requestId)
                .put("cancel", cancelId);
        return new ProducerRecord<>(inbox, WANTS, key(requestId), bytes(value));
    }

    /** The slots of grant {@code epoch} of {@code requestId} may be given to another request. */
    ProducerRecord<byte[], byte[]> release(String requestId, long epoch) {
        ObjectNode value = json.createObjectNode().put("type", "RELEASE").put("requestId", requestId)
                .put("epoch", epoch);
        return new ProducerRecord<>(inbox, RELEASES, key(requestId), bytes(value));
    }

    InboxRecord inboxRecord(ConsumerRecord<byte[], byte[]> record) {
        try {
            JsonNode value = json.readTree(record.value());
            String type = value.path("type").asText();
            if ("RELEASE".equals(type)) {
                return new InboxRecord.Release(value.path("requestId").asText(), value.path("epoch").asLong());
            }
            if ("CANCEL".equals(type)) {
                return new InboxRecord.Cancel(value.path("requestId").asText(), value.path("cancel").asText());
            }
            if ("WANT".equals(type)) {
                Optional<MigrationRequest> request = request(value.path("request"));
                return request.<InboxRecord> map(r -> new InboxRecord.Want(r, value.path("partition").asInt()))
                        .orElseGet(() -> new InboxRecord.Unreadable("its request is no longer valid (a node left "
                                + "the inventory?)"));
            }
            if ("CONTROL".equals(type)) {
                return controls.inboxRecord(value);
            }
            return new InboxRecord.Unreadable("unknown type '" + type + "'");
        } catch (IOException | RuntimeException e) {
            return new InboxRecord.Unreadable("not JSON of the ledger: " + e.getClass().getSimpleName());
        }
    }

    ProducerRecord<byte[], byte[]> entry(LedgerEntry entry) {
        ObjectNode value = json.createObjectNode().put("state", entry.state().name())
                .put("partition", entry.partition()).put("epoch", entry.epoch());
        if (entry.reason() != null) {
            value.put("reason", entry.reason());
        }
        value.set("request", requestNode(entry.request()));
        return new ProducerRecord<>(state, 0, entryKey(entry.requestId()), bytes(value));
    }

    /** Removes a request's entry: its slots are free. */
    ProducerRecord<byte[], byte[]> removal(String requestId) {
        return new ProducerRecord<>(state, 0, entryKey(requestId), null);
    }

    ProducerRecord<byte[], byte[]> position(SchedulerPosition position) {
        ObjectNode value = json.createObjectNode().put("wants", position.wants()).put("releases", position.releases())
                .put("lastEpoch", position.lastEpoch());
        return new ProducerRecord<>(state, 0, POSITION_KEY.getBytes(StandardCharsets.UTF_8), bytes(value));
    }

    /** What a record of the state topic says; empty for an entry that cannot be read (it is logged by the caller). */
    Optional<StateRecord> stateRecord(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        try {
            if (POSITION_KEY.equals(key)) {
                if (record.value() == null) {
                    return Optional.empty();
                }
                JsonNode value = json.readTree(record.value());
                return Optional.of(new StateRecord.Position(new SchedulerPosition(value.path("wants").asLong(),
                        value.path("releases").asLong(), value.path("lastEpoch").asLong())));
            }
            if (key.startsWith(NodeControlRecords.KEY_PREFIX)) {
                return controls.stateRecord(key, record.value());
            }
            if (!key.startsWith(ENTRY_PREFIX)) {
                return Optional.empty();
            }
            String requestId = key.substring(ENTRY_PREFIX.length());
            if (record.value() == null) {
                return Optional.of(new StateRecord.Removed(requestId));
            }
            JsonNode value = json.readTree(record.value());
            return request(value.path("request")).map(request -> new StateRecord.Entry(new LedgerEntry(
                    LedgerEntry.State.valueOf(value.path("state").asText()), request, value.path("partition").asInt(),
                    value.path("epoch").asLong(), value.hasNonNull("reason") ? value.get("reason").asText() : null)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A record of the state topic. */
    sealed interface StateRecord {
        record Entry(LedgerEntry entry) implements StateRecord {
        }

        record Removed(String requestId) implements StateRecord {
        }

        record Position(SchedulerPosition position) implements StateRecord {
        }

        /** A node's control under key {@code n:<node>} ({@link NodeControl#none} for a tombstone). */
        record Controlled(NodeControl control) implements StateRecord {
        }
    }

    private Optional<MigrationRequest> request(JsonNode node) throws JsonProcessingException {
        if (!node.isObject()) {
            return Optional.empty();
        }
        Instant receivedAt = Instant.parse(node.path("receivedAt").asText());
        TraceContext trace = new TraceContext(text(node, "traceparent"), text(node, "tracestate"));
        ObjectNode contract = ((ObjectNode) node).deepCopy();
        contract.remove(List.of("receivedAt", "traceparent", "tracestate"));
        ParsedRecord parsed = parser.parse(json.writeValueAsBytes(contract), receivedAt);
        return parsed instanceof ParsedRecord.Accepted accepted ? Optional.of(accepted.request().withTrace(trace))
                : Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    /** The request in the contract's form, which the {@link RequestParser} reads back as it was, and when it was read. */
    private ObjectNode requestNode(MigrationRequest request) {
        ObjectNode value = json.createObjectNode()
                .put("requestId", request.requestId())
                .put("containerId", request.containerId())
                .put("sourceNode", request.sourceNode())
                .put("targetNode", request.targetNode())
                .put("migrationType", request.migrationType())
                .put("priority", request.priority().contractName());
        value.putObject("options")
                .put("removeSource", request.options().removeSource())
                .put("force", request.options().force())
                .put("noStart", request.options().noStart());
        if (request.notAfter() != null) {
            value.put("notAfter", request.notAfter().toString());
        }
        if (request.completeBy() != null) {
            value.put("completeBy", request.completeBy().toString());
        }
        if (request.requestedBy() != null) {
            value.put("requestedBy", request.requestedBy());
        }
        if (request.reason() != null) {
            value.put("reason", request.reason());
        }
        value.put("receivedAt", request.receivedAt().toString());
        if (request.trace().traceparent() != null) {
            value.put("traceparent", request.trace().traceparent());
        }
        if (request.trace().tracestate() != null) {
            value.put("tracestate", request.trace().tracestate());
        }
        return value;
    }

    private byte[] bytes(JsonNode value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A ledger record could not be written as JSON", e);
        }
    }

    private static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] entryKey(String requestId) {
        return (ENTRY_PREFIX + requestId).getBytes(StandardCharsets.UTF_8);
    }
}
