package io.relocator.worker.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Three workers in one consumer group hold the concurrency bounds together, as one: never more than 2 migrations into
 * a node, 2 out of a node, {@value #CLUSTER_MAX} in the whole fleet, and one per container, counted where they happen
 * (at the simulated Agents, which count every call whichever worker sent it). Bounds held only per process let each
 * worker take its own 2 per node, so three workers put up to 6 into a node at once.
 * <p>
 * The load presses on every bound: the requests move containers round a ring of four nodes, so one process alone
 * could run 8 at once (2 in and 2 out of each node), above the fleet-wide {@value #CLUSTER_MAX}; calls last
 * {@value #LATENCY_MS} ms, long beside a start, so slots are full whenever requests wait. The work must still be
 * shared: at least two of the three workers run migrations.
 */
class FleetBoundsIT extends ProcessTestSupport {

    static final int REQUESTS = 120;
    static final int PER_NODE = 2;
    static final int CLUSTER_MAX = 5;
    static final long LATENCY_MS = 1_500;

    @Test
    void threeWorkersHoldEveryBoundAcrossTheFleet() {
        NODES.forEach(node -> admin.latency(node, LATENCY_MS));
        List<AppProcess> fleet = List.of("a", "b", "c").stream().map(life -> startWorker(life, Map.of(
                "relocator.instance-id", "it-fleet-" + life,
                "relocator.concurrency.per-target-node", String.valueOf(PER_NODE),
                "relocator.concurrency.per-source-node", String.valueOf(PER_NODE),
                "relocator.concurrency.cluster-max", String.valueOf(CLUSTER_MAX)))).toList();
        // The last one in has partitions only once the group has rebalanced with all three: publish after that, so
        // the requests are spread over the whole fleet from the start.
        await().atMost(Duration.ofSeconds(60)).until(() -> fleet.get(2).log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));

        long began = System.nanoTime();
        Map<String, String> containerOf = publish("fleet", REQUESTS);
        awaitEvents("fleet", all -> ended(all).size() == REQUESTS, Duration.ofSeconds(240));
        long elapsedMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
        // A terminal event published after the last awaited one would be a duplicate: read once more, to the end.
        Map<String, Integer> calls = callsPerContainer();
        Tally tally = Tally.of(containerOf, committedEvents("fleet"), calls);
        Map<String, Integer> peakIn = perNode("peakIn");
        Map<String, Integer> peakOut = perNode("peakOut");
        int fleetPeak = fleetPeak();
        Map<String, Long> completedBy = fleet.stream().collect(Collectors.toMap(AppProcess::name,
                w -> w.log().lines().filter(l -> l.contains("completed in")).count(), (x, y) -> x,
                LinkedHashMap::new));
        long workersThatRan = completedBy.values().stream().filter(n -> n > 0).count();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("workers", fleet.size());
        figures.put("requests", REQUESTS + " round " + NODES.size() + " nodes, " + LATENCY_MS + " ms each");
        figures.put("bounds", PER_NODE + " in and " + PER_NODE + " out per node, " + CLUSTER_MAX + " in the fleet");
        figures.put("peak incoming per node (simulator)", peakIn);
        figures.put("peak outgoing per node (simulator)", peakOut);
        figures.put("peak in the whole fleet (simulator)", fleetPeak);
        figures.put("completed per worker (log)", completedBy);
        tally.addTo(figures);
        figures.put("elapsed", elapsedMs + " ms (ideal at the fleet bound: "
                + REQUESTS * LATENCY_MS / CLUSTER_MAX + " ms)");
        figures("FleetBoundsIT", figures);

        assertNodeBounds(peakIn, peakOut, PER_NODE);
        assertTrue(fleetPeak <= CLUSTER_MAX, "the fleet ran " + fleetPeak + " at once, bound " + CLUSTER_MAX);
        // A fleet that never came near the bound did not test it (one migration at a time holds every bound too). The
        // first five requests fit every bound at once; one below allows for a start that lands, after the commits of
        // another worker, just as an earlier call ended.
        assertTrue(fleetPeak >= CLUSTER_MAX - 1, "the load reached the fleet bound: peak " + fleetPeak);
        tally.assertNoneLostOrDuplicated();
        containerOf.forEach((id, container) -> assertEquals(1, calls.getOrDefault(container, 0),
                id + ": the migration was sent " + calls.get(container) + " times"));
        assertTrue(workersThatRan >= 2, "migrations ran in at least two of the three workers: " + completedBy);
    }
}
