package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.EventSink;
import io.relocator.worker.domain.MigrationEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

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
        return Uni.createFrom().deferred(() -> withHeaders(new OutgoingRecord(key, serialize(event)), event)
                .sendTo(emitter));
    }

    private OutgoingRecord withHeaders(OutgoingRecord record, MigrationEvent event) {
        record.header("ce_specversion", "1.0")
                .header("ce_id", event.cloudEventId())
                .header("ce_source", source)
                .header("ce_type", event.status().cloudEventType())
                .header("ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        if (event.containerId() != null) {
            record.header("ce_subject", event.containerId());
        }
        return record.header("content-type", "application/json");
    }

    private byte[] serialize(MigrationEvent event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A MigrationEvent could not be written as JSON", e);
        }
    }
}
