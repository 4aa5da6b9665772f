package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.TraceContext;

/**
 * MigrationEvents as records of the events topic: JSON value, keyed by containerId, CloudEvents 1.0 binary headers.
 * Every header is printable ASCII: {@code ce_id} is built from a requestId the parser checked, {@code ce_subject} is
 * set only from a GUID ({@code EventRecordsTest}). Each event carries the trace context of the worker's step it was
 * written in: {@code traceparent} and {@code tracestate}, and the same as the CloudEvents distributed-tracing extension
 * ({@code ce_traceparent}, {@code ce_tracestate}); both come from the worker's own spans, never from a request.
 */
@ApplicationScoped
public class EventRecords {

    private final ObjectMapper json;
    private final String topic;
    private final String source;

    public EventRecords(ObjectMapper json, RelocatorConfig config) {
        // Absent, not null: a field the contract leaves out of an event (durationMs before any call, error on success).
        this.json = json.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.topic = config.topics().events();
        this.source = config.events().source();
    }

    /**
     * @param fallbackKey the key when the event has no {@link MigrationEvent#subject() subject} (a rejected request
     *                    without a GUID for containerId): the request record's own key, bytes as they were, never a header
     * @param trace       the trace context of the step the event is written in ({@link TraceContext#NONE}: no headers)
     */
    ProducerRecord<byte[], byte[]> of(MigrationEvent event, byte[] fallbackKey, TraceContext trace) {
        String subject = event.subject();
        byte[] key = subject != null ? subject.getBytes(StandardCharsets.UTF_8) : fallbackKey;
        OutgoingRecord record = new OutgoingRecord(key, serialize(event))
                .header("ce_specversion", "1.0")
                .header("ce_id", event.cloudEventId())
                .header("ce_source", source)
                .header("ce_type", event.status().cloudEventType())
                .header("ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        if (subject != null) {
            record.header("ce_subject", subject);
        }
        if (trace.traceparent() != null) {
            record.header("traceparent", trace.traceparent()).header("ce_traceparent", trace.traceparent());
        }
        if (trace.tracestate() != null && !trace.tracestate().isEmpty()) {
            record.header("tracestate", trace.tracestate()).header("ce_tracestate", trace.tracestate());
        }
        return record.header("content-type", "application/json").to(topic, null);
    }

    private byte[] serialize(MigrationEvent event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A MigrationEvent could not be written as JSON", e);
        }
    }
}
