package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.NodeCommand;

/**
 * The audit event of an operator's mutation through the admin API, on the events topic beside the MigrationEvents:
 * CloudEvents type {@value #TYPE}, keyed by the node (a node control) or by the containerId (a cancel), value JSON
 * with {@code action}, what it names, {@code actor} (the authenticated user name) and {@code occurredAt}.
 */
@ApplicationScoped
public class AuditEvents {

    static final String TYPE = "relocator.control.v1";

    private final ObjectMapper json;
    private final NodeControlRecords controls;
    private final String topic;
    private final String source;

    public AuditEvents(ObjectMapper json, NodeControlRecords controls, RelocatorConfig config) {
        this.json = json;
        this.controls = controls;
        this.topic = config.topics().events();
        this.source = config.events().source();
    }

    ProducerRecord<byte[], byte[]> nodeControl(NodeCommand command, String actor, Instant at) {
        return record(command.node(), controls.commandNode(command), actor, at);
    }

    ProducerRecord<byte[], byte[]> cancel(String requestId, String containerId, String cancelId, String actor,
            Instant at) {
        ObjectNode value = json.createObjectNode().put("action", "CANCEL").put("cancels", requestId)
                .put("containerId", containerId).put("requestId", cancelId);
        return record(containerId, value, actor, at);
    }

    private ProducerRecord<byte[], byte[]> record(String subject, ObjectNode value, String actor, Instant at) {
        value.put("actor", actor).put("occurredAt", at.toString());
        return new OutgoingRecord(subject.getBytes(StandardCharsets.UTF_8), bytes(value))
                .header("ce_specversion", "1.0")
                .header("ce_id", UUID.randomUUID().toString())
                .header("ce_source", source)
                .header("ce_type", TYPE)
                .header("ce_time", at.toString())
                .header("ce_subject", subject)
                .header("content-type", "application/json")
                .to(topic, null);
    }

    private byte[] bytes(ObjectNode value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An audit event could not be written as JSON", e);
        }
    }
}
