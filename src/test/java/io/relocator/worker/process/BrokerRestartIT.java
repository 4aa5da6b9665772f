package io.relocator.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The broker stops for a few seconds during load and comes back on the same address: the worker reports the outage
 * on its readiness endpoint while it lasts, reconnects by itself, and nothing is lost, duplicated or sent twice.
 */
class BrokerRestartIT extends ProcessTestSupport {

    static final int REQUESTS = 150;
    static final Duration OUTAGE = Duration.ofSeconds(5);

    @Test
    void aBrokerRestartDuringLoadLosesNothing() {
        NODES.forEach(node -> admin.latency(node, 500));
        AppProcess worker = startWorker("1", Map.of());
        long began = System.nanoTime();
        Map<String, String> containerOf = publish("restart", REQUESTS);
        awaitEvents("restart", events -> terminalCount(events) >= 30, Duration.ofSeconds(60));

        int[] notReady = {0};
        int[] probes = {0};
        Instant[] downAt = new Instant[1];
        broker.restart(() -> {
            downAt[0] = Instant.now();
            Instant end = downAt[0].plus(OUTAGE);
            while (Instant.now().isBefore(end)) { // the outage itself; readiness probed meanwhile
                probes[0]++;
                if (worker.readiness() != 200) {
                    notReady[0]++;
                }
                AppProcess.pause(Duration.ofMillis(250));
            }
        });
        Duration brokerDown = Duration.between(downAt[0], Instant.now());
        awaitEvents("restart", all -> ended(all).size() == REQUESTS, Duration.ofSeconds(180));
        worker.awaitReady(Duration.ofSeconds(60));
        Tally tally = Tally.of(containerOf, committedEvents("restart"), callsPerContainer());

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", REQUESTS);
        figures.put("broker down (stop, hold, start again)", brokerDown.toMillis() + " ms");
        figures.put("readiness probes during the outage answered not ready", notReady[0] + " of " + probes[0]);
        tally.addTo(figures);
        figures.put("elapsed", Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
        figures("BrokerRestartIT", figures);

        tally.assertNoneLostOrDuplicated();
        assertEquals(0, tally.resent(), "no migration was sent twice");
        assertTrue(notReady[0] > 0, "readiness reported the outage");
        assertEquals(200, worker.readiness(), "ready again once the broker is back");
    }
}
