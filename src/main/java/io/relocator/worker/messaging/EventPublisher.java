package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.EventSink;
import io.relocator.worker.domain.MigrationEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes MigrationEvents to the events channel: JSON value, keyed by containerId, CloudEvents 1.0 headers in
 * binary mode. Each returned Uni completes when the broker has acknowledged that event.
 */
@ApplicationScoped
public class EventPublisher implements EventSink {

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper json;
    private final String source;

    public EventPublisher(@Channel(Channels.EVENTS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            MutinyEmitter<byte[]> emitter, ObjectMapper json, RelocatorConfig config) {
        this.emitter = emitter;
        // Absent, not null: a field the contract leaves out of an event (durationMs before any call, error on success).
        this.json = json.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.source = config.events().source();
    }

    @Override
    public Uni<Void> publish(MigrationEvent event) {
        return publish(event, null);
    }

    /** Publishes an event whose containerId may be missing: it is then keyed by {@code fallbackKey}. */
    public Uni<Void> publish(MigrationEvent event, byte[] fallbackKey) {
        byte[] key = event.containerId() != null ? event.containerId().getBytes(StandardCharsets.UTF_8) : fallbackKey;
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(serialize(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<byte[]> builder().withKey(key).withHeaders(headers(event)).build())));
    }

    private RecordHeaders headers(MigrationEvent event) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, "ce_specversion", "1.0");
        add(headers, "ce_id", event.cloudEventId());
        add(headers, "ce_source", source);
        add(headers, "ce_type", event.status().cloudEventType());
        add(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        if (event.containerId() != null) {
            add(headers, "ce_subject", event.containerId());
        }
        add(headers, "content-type", "application/json");
        return headers;
    }

    private byte[] serialize(MigrationEvent event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A MigrationEvent could not be written as JSON", e);
        }
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
