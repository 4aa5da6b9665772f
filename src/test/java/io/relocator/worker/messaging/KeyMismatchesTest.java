package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relocator.worker.domain.MigrationOptions;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.Priority;

/** Plain unit test of the rule "a request's record is keyed by its containerId" and of its counter. */
class KeyMismatchesTest {

    private static final String GUID = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";

    @Test
    void aKeyMatchesOnlyWhenItIsTheContainerIdInAnyCase() {
        assertTrue(KeyMismatches.keyedBy(bytes(GUID), GUID));
        assertTrue(KeyMismatches.keyedBy(bytes(GUID.toUpperCase()), GUID), "containerIds compare case-insensitively");
        assertFalse(KeyMismatches.keyedBy(null, GUID), "no key");
        assertFalse(KeyMismatches.keyedBy(new byte[0], GUID));
        assertFalse(KeyMismatches.keyedBy(bytes("k-1"), GUID));
        assertFalse(KeyMismatches.keyedBy(bytes(GUID + " "), GUID));
        assertFalse(KeyMismatches.keyedBy(bytes("b8a73d01-2969-6b48-9544-5cbf6ea7c554"), GUID), "another container");
        byte[] notAscii = bytes(GUID);
        notAscii[0] = (byte) 0xe1;
        assertFalse(KeyMismatches.keyedBy(notAscii, GUID));
    }

    @Test
    void eachMismatchIsCountedAndAMatchIsNot() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KeyMismatches keys = new KeyMismatches(registry);
        TopicPartition partition = new TopicPartition("migration-requests", 3);
        keys.check(bytes(GUID), request(), partition);
        keys.check(bytes("other"), request(), partition);
        keys.check(null, request(), partition);
        assertEquals(2.0, registry.get("relocator.requests.key.mismatch").counter().count());
    }

    private static MigrationRequest request() {
        return new MigrationRequest("r-1", GUID, "hn-01", "hn-02", 0, MigrationOptions.NONE, null, null, null,
                Priority.NORMAL, Instant.EPOCH, null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
