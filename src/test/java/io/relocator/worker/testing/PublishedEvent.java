package io.relocator.worker.testing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One record of the events topic as a test looks at it: key, headers and the JSON body. */
public record PublishedEvent(String key, Map<String, String> headers, JsonNode body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static PublishedEvent of(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new PublishedEvent(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    headers(record), JSON.readTree(record.value()));
        } catch (java.io.IOException e) {
            throw new AssertionError("an event is not JSON: " + new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    /** A record's headers as text. */
    public static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    public String requestId() {
        return body.path("requestId").asText();
    }

    public String status() {
        return body.path("status").asText();
    }

    /** COMPLETED or FAILED: neither STARTED nor a RUNNING heartbeat. */
    public boolean isTerminal() {
        return "COMPLETED".equals(status()) || "FAILED".equals(status());
    }
}
