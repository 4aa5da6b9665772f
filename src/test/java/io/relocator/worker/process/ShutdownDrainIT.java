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
 * SIGTERM during load: the worker stops taking requests, lets the migrations in flight end and commits their
 * outcomes within the drain timeout, then exits; a new life takes the rest, and nothing is lost or sent twice.
 */
class ShutdownDrainIT extends ProcessTestSupport {

    static final int REQUESTS = 60;
    static final Duration DRAIN = Duration.ofSeconds(20);
    static final Duration MIGRATION = Duration.ofSeconds(2);

    @Test
    void sigtermDrainsRunningMigrationsWithinTheTimeoutAndLosesNothing() {
        NODES.forEach(node -> admin.latency(node, MIGRATION.toMillis()));
        Map<String, String> drain = Map.of("relocator.shutdown.drain-timeout", DRAIN.toString());
        AppProcess first = startWorker("1", drain);
        Map<String, String> containerOf = publish("drain", REQUESTS);

        // Under way: the first wave ended, the second is running.
        awaitEvents("drain", events -> terminalCount(events) >= 8
                && events.values().stream().anyMatch(h -> h.stream().noneMatch(PublishedEvent::isTerminal)),
                Duration.ofSeconds(60));
        Set<String> runningAtStop = running(committedEvents("drain"));
        long stopping = System.nanoTime();
        int exitCode = first.sigterm(DRAIN.plus(Duration.ofSeconds(15)));
        Duration stoppedIn = Duration.ofNanos(System.nanoTime() - stopping);

        Map<String, List<PublishedEvent>> atExit = committedEvents("drain");
        Set<String> endedAtExit = ended(atExit);
        Set<String> startedAtExit = atExit.keySet();

        startWorker("2", drain);
        awaitEvents("drain", events -> ended(events).size() == REQUESTS, Duration.ofSeconds(120));
        Map<String, List<PublishedEvent>> events = committedEvents("drain");
        Map<String, Integer> calls = callsPerContainer();
        Map<String, Long> terminals = terminalsPerRequest(events);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", REQUESTS);
        figures.put("migration time", MIGRATION.toMillis() + " ms");
        figures.put("running when SIGTERM was sent (STARTED seen, no terminal)", runningAtStop.size());
        figures.put("drain timeout", DRAIN.toSeconds() + " s");
        figures.put("exit after SIGTERM", stoppedIn.toMillis() + " ms, exit code " + exitCode);
        figures.put("started by the first life", startedAtExit.size());
        figures.put("ended by the first life", endedAtExit.size());
        Tally.of(containerOf, events, calls).addTo(figures);
        figures("ShutdownDrainIT", figures);

        assertTrue(stoppedIn.compareTo(DRAIN) < 0, "exited within the drain timeout: " + stoppedIn);
        // The JVM's status after SIGTERM once its shutdown hooks have run (128 + 15); a worker that gave up would exit 1.
        assertEquals(143, exitCode, "a clean exit on SIGTERM");
        assertTrue(first.log().contains("Every running migration reached its outcome"), "the drain finished");
        assertTrue(runningAtStop.size() > 0, "SIGTERM landed while migrations were running");
        assertEquals(startedAtExit, endedAtExit, "every migration started before the exit ended before it");
        containerOf.forEach((id, container) -> {
            assertEquals(1L, terminals.getOrDefault(id, 0L), id + ": terminal events");
            assertEquals(1, calls.getOrDefault(container, 0), id + ": migrate calls");
        });
    }
}
