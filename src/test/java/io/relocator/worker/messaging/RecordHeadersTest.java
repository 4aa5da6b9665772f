package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.TraceContext;
import io.relocator.worker.domain.RequestEcho;
import io.relocator.worker.testing.RandomSamples;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Plain unit test of the records the worker writes from what a producer sent (no broker: the records are built, not
 * sent). Whatever a rejected request's containerId or a dead letter's reason holds, no header gets anything but
 * printable ASCII, and an event is keyed by a containerId only when it is a GUID, otherwise by the request record's
 * own key, bytes unchanged.
 */
class RecordHeadersTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String GUID = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";
    private static final Pattern GUID_PATTERN = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final byte[] RECORD_KEY = {0, '\r', '\n', (byte) 0xff, 'k'};

    private final RelocatorConfig config = config();
    private final EventRecords events = new EventRecords(new ObjectMapper().findAndRegisterModules(), config);
    private final DeadLetterRecords deadLetters = new DeadLetterRecords(config);

    @Test
    void aRejectedRequestsContainerIdReachesKeyAndSubjectOnlyAsAGuid() {
        RandomSamples.check(500, RecordHeadersTest::hostile, containerId -> {
            ProducerRecord<byte[], byte[]> record = events.of(rejected(containerId), RECORD_KEY, TraceContext.NONE);
            assertPrintableHeaders(record);
            assertArrayEquals(RECORD_KEY, record.key(), "keyed by the record's own key: not a GUID");
            assertNull(record.headers().lastHeader("ce_subject"));
        });
    }

    @Test
    void aRejectedRequestWithAGuidIsKeyedAndSubjectedByIt() {
        ProducerRecord<byte[], byte[]> record = events.of(rejected(GUID), RECORD_KEY, TraceContext.NONE);
        assertArrayEquals(GUID.getBytes(StandardCharsets.UTF_8), record.key());
        assertEquals(GUID, headers(record).get("ce_subject"));
        assertPrintableHeaders(record);
        assertFalse(new String(record.value(), StandardCharsets.UTF_8).contains("subject"), "not a field of the event");
    }

    @Test
    void aGuidFollowedByAHeaderOfItsOwnIsNoGuid() {
        ProducerRecord<byte[], byte[]> record = events.of(rejected(GUID + "\r\nX-Forged: 1"), RECORD_KEY,
                TraceContext.NONE);
        assertArrayEquals(RECORD_KEY, record.key());
        assertNull(record.headers().lastHeader("ce_subject"));
    }

    @Test
    void aDeadLetterReasonIsPrintableAndBounded() {
        var origin = new IncomingKafkaRecordMetadata<byte[], byte[]>(
                new ConsumerRecord<>("migration-requests", 2, 7L, RECORD_KEY, new byte[] {1}), "requests");
        RandomSamples.check(300, RecordHeadersTest::hostile, reason -> {
            ProducerRecord<byte[], byte[]> record = deadLetters.of(origin, new byte[] {1}, reason);
            assertPrintableHeaders(record);
            assertTrue(headers(record).get(DeadLetterRecords.REASON).length() <= 1024, "bounded");
            assertArrayEquals(RECORD_KEY, record.key(), "the original key, unchanged");
        });
    }

    @Test
    void aStandInQuotesTheRefusalAsPrintableText() {
        ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("migration-events", RECORD_KEY, new byte[10]);
        ProducerRecord<byte[], byte[]> standIn = deadLetters.standIn(new TopicPartition("migration-requests", 1), 3L,
                refused, new IllegalStateException("bad\r\nX-Forged: \u0000\u00e9"));
        assertEquals("Kafka refused the migration-events record written for it (15 bytes of key and value): "
                + "IllegalStateException: bad\\u000d\\u000aX-Forged: \\u0000\\u00e9",
                headers(standIn).get(DeadLetterRecords.REASON));
    }

    /** Hostile text, and strings of a GUID's characters that are no GUID (a valid one would rightly key the event). */
    private static String hostile(SplittableRandom random) {
        String text = RandomSamples.oneOf(random, RandomSamples::hostileText,
                r -> RandomSamples.charsOf(r, "0123456789abcdefABCDEF-\r\n\u0000", 40));
        return GUID_PATTERN.matcher(text).matches() ? text + "\n" : text;
    }

    private static MigrationEvent rejected(String containerId) {
        RequestEcho echo = new RequestEcho("r-1", containerId, null, null, null, null, null, null);
        return MigrationEvent.rejected(echo, NOW, NOW,
                MigrationError.of(ErrorCode.INVALID_REQUEST, "containerId must be a GUID", false));
    }

    private static void assertPrintableHeaders(ProducerRecord<byte[], byte[]> record) {
        for (Header header : record.headers()) {
            for (byte b : header.value()) {
                assertTrue(b >= 0x20 && b <= 0x7e, () -> header.key() + " has byte " + (b & 0xff));
            }
        }
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Just the topic names and the event source these two classes read. */
    private static RelocatorConfig config() {
        Object topics = stub(RelocatorConfig.Topics.class, Map.of("events", "migration-events",
                "deadLetter", "migration-requests-dlq"));
        Object events = stub(RelocatorConfig.Events.class, Map.of("source", "relocator-worker"));
        return (RelocatorConfig) stub(RelocatorConfig.class, Map.of("topics", topics, "events", events));
    }

    private static Object stub(Class<?> type, Map<String, Object> answers) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        });
    }
}
