package io.relocator.worker.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A second worker joins the consumer group during load, so a rebalance moves partitions while their requests wait or
 * run: requests that only waited are dropped by the old owner and taken by the new one, queued outcomes are committed
 * before the partitions move, and calls in flight are left to the new owner's reconciliation. Every request still
 * ends exactly once, and no migration is sent twice.
 */
class RebalanceIT extends ProcessTestSupport {

    static final int REQUESTS = 300;

    @Test
    void aWorkerJoiningMidLoadTakesPartitionsWithoutLossOrRepeat() {
        NODES.forEach(node -> admin.latency(node, 400));
        AppProcess first = startWorker("a", Map.of("relocator.instance-id", "it-worker-a"));
        long began = System.nanoTime();
        Map<String, String> containerOf = publish("rebalance", REQUESTS);
        awaitEvents("rebalance", events -> terminalCount(events) >= REQUESTS / 4, Duration.ofSeconds(120));

        // Slower calls while the second worker starts and joins, so that work is left for it however slow the machine
        // (a start under load took 27 s, by which time the first had ended everything); normal speed once it is in.
        NODES.forEach(node -> admin.latency(node, 3_000));
        AppProcess second = startWorker("b", Map.of("relocator.instance-id", "it-worker-b"));
        await().atMost(Duration.ofSeconds(60)).until(() -> second.log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));
        NODES.forEach(node -> admin.latency(node, 400));
        awaitEvents("rebalance", all -> ended(all).size() == REQUESTS, Duration.ofSeconds(180));
        Map<String, Integer> calls = callsPerContainer();
        Tally tally = Tally.of(containerOf, committedEvents("rebalance"), calls);
        long endedBySecond = second.log().lines().filter(l -> l.contains("completed in")).count();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", REQUESTS);
        figures.put("second worker joined after", REQUESTS / 4 + " had ended");
        figures.put("completed by the second worker", endedBySecond);
        figures.put("left by the first worker to the new owner", first.log().lines()
                .filter(l -> l.contains("left to whoever reads")).count());
        tally.addTo(figures);
        figures.put("elapsed", Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
        figures("RebalanceIT", figures);

        assertTrue(endedBySecond > 0, "the rebalance gave the second worker partitions with work");
        tally.assertNoneLostOrDuplicated();
        containerOf.forEach((id, container) -> assertEquals(1, calls.getOrDefault(container, 0),
                id + ": the migration was sent " + calls.get(container) + " times"));
    }
}
