package io.relocator.worker.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.PublishedEvent;

/**
 * The packaged worker with heartbeats every second and a 3 s stall timeout, against the simulator in its own process:
 * a 4 s migration out of hn-01 is heartbeated and completes on its own answer; a call that hn-02's Agent holds
 * unanswered with no transition ({@code STALL}) is abandoned, reconciled, cancelled by its packet id and tried again.
 */
class HeartbeatIT extends ProcessTestSupport {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(3);

    @Test
    void heartbeatsAtTheIntervalAndAStalledCallDetectedAndReconciled() {
        admin.latency("hn-01", 4_000);
        admin.fault("hn-02", "STALL", 0);
        try {
            startWorker("1", Map.of("relocator.events.running-interval", INTERVAL.toString(),
                    "relocator.agent.stall-timeout", STALL_TIMEOUT.toString()));
            // beat-0: hn-01 -> hn-02 (4 s, in transition); beat-1: hn-02 -> hn-01 (held by hn-02)
            Map<String, String> containerOf = publish("beat", 2, List.of("hn-01", "hn-02"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> admin.stats().path("nodes").path("hn-02").path("stalled").asInt() == 1);
            admin.fault("hn-02", "NONE", 0);
            Map<String, List<PublishedEvent>> events = awaitEvents("beat", e -> ended(e).size() == 2,
                    Duration.ofSeconds(40));

            List<PublishedEvent> slow = events.get("beat-0");
            List<PublishedEvent> beats = slow.stream().filter(e -> "RUNNING".equals(e.status())).toList();
            PublishedEvent slowEnd = slow.get(slow.size() - 1);
            List<PublishedEvent> stalled = events.get("beat-1");
            PublishedEvent stalledEnd = stalled.get(stalled.size() - 1);
            Instant stalledStart = occurredAt(stalled.get(0));

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("heartbeat interval / stall timeout", INTERVAL.toMillis() + " ms / " + STALL_TIMEOUT.toMillis()
                    + " ms");
            figures.put("heartbeats of a " + slowEnd.body().path("durationMs").asLong() + " ms call (elapsedMs)",
                    beats.stream().map(b -> b.body().path("elapsedMs").asLong()).toList());
            figures.put("stalled call: first STARTED to terminal event",
                    Duration.between(stalledStart, occurredAt(stalledEnd)).toMillis() + " ms");
            figures("HeartbeatIT", figures);

            assertEquals("COMPLETED", slowEnd.status());
            assertEquals(false, slowEnd.body().path("reconciled").asBoolean());
            assertTrue(beats.size() >= 3, slow.toString());
            for (int i = 1; i < beats.size(); i++) {
                assertTrue(beats.get(i).body().path("heartbeat").asInt() > beats.get(i - 1).body().path("heartbeat")
                        .asInt(), slow.toString());
                assertTrue(beats.get(i).body().path("elapsedMs").asLong() > beats.get(i - 1).body().path("elapsedMs")
                        .asLong(), slow.toString());
            }
            assertEquals("COMPLETED", stalledEnd.status(), stalled.toString());
            assertEquals(2, stalledEnd.body().path("attempt").asInt(), "the retry after the stall and the cancel");
            assertEquals(1, admin.stats().path("nodes").path("hn-02").path("cancelled").asInt());
            assertEquals(2, callsPerContainer().get(containerOf.get("beat-1")));
            assertTrue(occurredAt(stalledEnd).isAfter(stalledStart.plus(STALL_TIMEOUT)));
        } finally {
            admin.fault("hn-02", "NONE", 0);
            admin.latency("hn-01", -1);
        }
    }

    private static Instant occurredAt(PublishedEvent event) {
        return Instant.parse(event.body().path("occurredAt").asText());
    }
}
