package io.relocator.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.PublishedEvent;

/**
 * {@code kill -9} of the worker mid-load, then a restart: every request ends with exactly one terminal event
 * (read_committed), none is lost or fails, and no migration is sent to the Agent twice.
 */
class CrashRecoveryIT extends ProcessTestSupport {

    static final int REQUESTS = 300;

    @Test
    void aWorkerKilledMidLoadLosesNothingAndSendsNoMigrationTwice() {
        NODES.forEach(node -> admin.latency(node, 400));
        AppProcess first = startWorker("1", Map.of());
        long began = System.nanoTime();
        Map<String, String> containerOf = publish("crash", REQUESTS);

        awaitEvents("crash", events -> terminalCount(events) >= REQUESTS / 3, Duration.ofSeconds(120));
        first.kill9();

        Map<String, List<PublishedEvent>> beforeKill = committedEvents("crash");
        Set<String> endedBeforeKill = ended(beforeKill);
        Set<String> inFlightAtKill = running(beforeKill);
        Map<String, Integer> callsAtKill = callsPerContainer();

        AppProcess second = startWorker("2", Map.of());
        Map<String, List<PublishedEvent>> events = awaitEvents("crash", all -> ended(all).size() == REQUESTS,
                Duration.ofSeconds(180));
        // What the second life may still publish after that would be a duplicate: read once more, to the end.
        events = committedEvents("crash");
        Map<String, Integer> calls = callsPerContainer();

        Tally tally = Tally.of(containerOf, events, calls);
        long failed = events.values().stream().flatMap(List::stream)
                .filter(e -> e.isTerminal() && !"COMPLETED".equals(e.status())).count();
        long droppedAsEnded = second.log().lines().filter(l -> l.contains("delivered again")).count();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", REQUESTS);
        figures.put("kills", "1 (kill -9 once a third of the terminal events were committed)");
        figures.put("ended before the kill", endedBeforeKill.size());
        figures.put("started, not ended, at the kill", inFlightAtKill.size());
        tally.addTo(figures);
        figures.put("failed", failed);
        figures.put("redelivered after the restart and dropped as already ended", droppedAsEnded);
        figures.put("elapsed", Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
        figures("CrashRecoveryIT", figures);

        tally.assertNoneLostOrDuplicated();
        assertEquals(0, failed, "no request failed, none because its migration had already run");
        endedBeforeKill.forEach(id -> assertEquals(callsAtKill.get(containerOf.get(id)),
                calls.get(containerOf.get(id)), id + " ended before the kill and was sent again after it"));
        containerOf.forEach((id, container) -> assertEquals(1, calls.getOrDefault(container, 0),
                id + ": the migration was sent " + calls.get(container) + " times"));
        assertTrue(inFlightAtKill.size() > 0, "the kill landed while migrations were running");
    }
}
