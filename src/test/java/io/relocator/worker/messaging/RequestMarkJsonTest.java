package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationOptions;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.Priority;
import io.relocator.worker.domain.RequestMark;

/**
 * The in-flight mark's JSON as the outcome store writes and reads it (Jackson, nulls left out): the STARTED path's
 * packet id survives the round trip, and a mark written before packet ids were kept still reads, with none. Not a
 * {@code @QuarkusTest}: only the codec is under test, with the settings Quarkus gives its ObjectMapper that matter
 * here (ISO instants, JSR-310).
 */
class RequestMarkJsonTest {

    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    @Test
    void anInFlightMarkKeepsThePacketIdOfItsAttempt() throws Exception {
        MigrationRequest request = new MigrationRequest("r-1", "c-1", "hn-01", "hn-02", 0, MigrationOptions.NONE, null,
                null, null, Priority.NORMAL, T0, null);
        RequestMark mark = RequestMark.inFlight(MigrationEvent.started(request, 2, T0.plusSeconds(1)), T0,
                "6f3073bf-5d6c-454b-b052-90cb6bb27882");

        RequestMark read = json.readValue(json.writeValueAsBytes(mark), RequestMark.class);

        assertEquals(mark, read);
        assertEquals("6f3073bf-5d6c-454b-b052-90cb6bb27882", read.history().packetId());
        assertEquals(2, read.history().attempts());
    }

    @Test
    void aMarkWrittenBeforePacketIdsWereKeptStillReadsWithNone() throws Exception {
        String old = "{\"requestId\":\"r-1\",\"stage\":\"IN_FLIGHT\",\"attempt\":1,\"receivedAt\":\"2026-12-02T10:00:00Z\","
                + "\"firstStart\":\"2026-12-02T10:00:00Z\",\"at\":\"2026-12-02T10:00:01Z\"}";

        RequestMark read = json.readValue(old, RequestMark.class);

        assertEquals(RequestMark.Stage.IN_FLIGHT, read.stage());
        assertEquals(1, read.history().attempts());
        assertNull(read.history().packetId());
    }
}
