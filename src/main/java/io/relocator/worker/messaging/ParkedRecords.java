package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationRequest;

/**
 * A request handed off to the parking topic: the validated request written anew as a MigrationRequest (so a parked
 * copy costs what the request's fields cost, whatever the original record carried beside them), keyed by its
 * containerId, in the same partition number as the record it came from (so the same outcome-store partition answers for it), with headers that keep when it was first
 * read (so {@code receivedAt} and {@code notAfter} hold across the hand-off), when it was parked and how often.
 * {@link ParkedRequestConsumer} reads it back.
 */
@ApplicationScoped
public class ParkedRecords {

    static final String RECEIVED_AT = "relocator-received-at";
    static final String PARKED_AT = "relocator-parked-at";
    static final String PARK_COUNT = "relocator-park-count";

    private final String topic;
    private final Clock clock;
    private final ObjectMapper json;

    public ParkedRecords(RelocatorConfig config, Clock clock, ObjectMapper json) {
        this.topic = config.topics().parked();
        this.clock = clock;
        this.json = json;
    }

    /** @param partition the partition number the request was read from */
    ProducerRecord<byte[], byte[]> of(int partition, MigrationRequest request, int parkCount) {
        return new OutgoingRecord(request.containerId().getBytes(StandardCharsets.UTF_8), serialize(request))
                .header(RECEIVED_AT, request.receivedAt().toString())
                .header(PARKED_AT, clock.instant().toString())
                .header(PARK_COUNT, Integer.toString(parkCount))
                .to(topic, partition);
    }

    /** The request in the contract's form, which {@link io.relocator.worker.domain.RequestParser} reads back as it was. */
    private byte[] serialize(MigrationRequest request) {
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
        if (request.requestedBy() != null) {
            value.put("requestedBy", request.requestedBy());
        }
        if (request.reason() != null) {
            value.put("reason", request.reason());
        }
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A validated request could not be written as JSON", e);
        }
    }
}
