package io.relocator.worker.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers coming and going under load, three or four at a time, the bounds counted at the simulated Agents: an
 * executor killed with {@code kill -9}, one stopped with SIGTERM while a fourth joins, and a partition that moves from
 * one worker to another and back while the first one's calls for it still run. Each time: nothing lost, exactly one
 * terminal event per request (read_committed), no migration sent twice, no node above its bound. The requests
 * group's session timeout is 10 s here (its default, 45 s, would make a lost worker's partitions wait that long).
 */
class FleetChurnIT extends ProcessTestSupport {

    static final int PER_NODE = 2;
    static final String RUNNING = "attempt 1 started";

    @BeforeEach
    void freshCounts() {
        admin.reset();
    }

    @Test
    void anExecutorKilledMidLoadLosesNothingAndExceedsNoBound() {
        NODES.forEach(node -> admin.latency(node, 1_500));
        List<AppProcess> fleet = fleet("kill", "a", "b", "c");
        AppProcess holder = awaitSoleHolder(fleet, Duration.ofSeconds(60));
        AppProcess victim = fleet.stream().filter(w -> w != holder).findFirst().orElseThrow();
        Map<String, String> containerOf = publish("churn-kill", 120);
        // Killed once it has ended a few and, at that moment, has a call the simulator holds (out for 1.5 s): the
        // victim is only one of three executors, so at a given instant it may hold no call at all.
        await("the victim runs migrations steadily, a call of its own out at the simulator")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> victim.log().lines().filter(l -> l.contains("completed in")).count() >= 6
                        && !callsOutAtTheSimulator(victim, containerOf).isEmpty());
        victim.kill9();
        awaitEvents("churn-kill", all -> ended(all).size() == containerOf.size(), Duration.ofSeconds(240));

        long reconciled = assertOnceEachWithinBounds("churn-kill", containerOf,
                Map.of("killed (an executor)", victim.name()));
        assertTrue(reconciled > 0, "the kill left calls in flight, which the new owners reconciled");
    }

    @Test
    void aWorkerStoppingAndAFourthJoiningShareTheLoadWithoutLossOrRepeat() {
        NODES.forEach(node -> admin.latency(node, 1_500));
        List<AppProcess> fleet = new ArrayList<>(fleet("join", "a", "b", "c"));
        Map<String, String> containerOf = publish("churn-join", 160);
        awaitEvents("churn-join", all -> ended(all).size() >= 30, Duration.ofSeconds(120));
        AppProcess leaving = fleet.get(1);
        leaving.sigterm(Duration.ofSeconds(60));
        AppProcess joining = startWorker("join-d", churnSettings("join-d"));
        await("the fourth worker has partitions").atMost(Duration.ofSeconds(90)).until(() -> joining.log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));
        awaitEvents("churn-join", all -> ended(all).size() == containerOf.size(), Duration.ofSeconds(240));

        long ranByJoiner = joining.log().lines().filter(l -> l.contains("completed in")).count();
        assertOnceEachWithinBounds("churn-join", containerOf, Map.of("stopped (SIGTERM)", leaving.name(),
                "joined", joining.name(), "completed by the one that joined", ranByJoiner));
        assertTrue(ranByJoiner > 0, "the worker that joined ran migrations");
    }

    /**
     * A alone starts long calls; B joins and takes some of A's partitions while those calls run (B finds their
     * in-flight marks and reconciles); B dies ({@code kill -9}), and A takes the partitions back after B's session
     * timeout while its own calls (40 s) still run: it adopts them rather than start them again or reconcile them in
     * parallel.
     */
    @Test
    void aPartitionMovingAwayAndBackWhileItsCallsRunEndsEachRequestOnce() {
        NODES.forEach(node -> admin.latency(node, 40_000));
        AppProcess a = startWorker("abba-a", churnSettings("abba-a"));
        Map<String, String> containerOf = publish("churn-abba", 16);
        await("A runs the first calls").atMost(Duration.ofSeconds(60))
                .until(() -> a.log().lines().filter(l -> l.contains(RUNNING)).count() >= 4);
        AppProcess b = startWorker("abba-b", churnSettings("abba-b"));
        await("B took partitions from A").atMost(Duration.ofSeconds(60)).until(() -> b.log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));
        b.kill9();
        NODES.forEach(node -> admin.latency(node, 1_000)); // for the calls not started yet
        awaitEvents("churn-abba", all -> ended(all).size() == containerOf.size(), Duration.ofSeconds(240));

        long adopted = a.log().lines().filter(l -> l.contains("adopted")).count();
        assertOnceEachWithinBounds("churn-abba", containerOf, Map.of(
                "calls of A adopted after its partitions came back (log)", adopted,
                "requests B started reconciling (log)", b.log().lines().filter(l -> l.contains("reconciling")).count()));
        assertTrue(adopted > 0, "A took back partitions whose calls it still ran, and adopted them");
    }

    /** Requests the worker logged as started and not ended whose Agent call the simulator has received. */
    private static List<String> callsOutAtTheSimulator(AppProcess worker, Map<String, String> containerOf) {
        String log = worker.log();
        Map<String, Integer> calls = callsPerContainer();
        return containerOf.keySet().stream()
                .filter(id -> log.contains("Migration " + id + " attempt 1 started")
                        && !log.contains("Migration " + id + " completed in")
                        && calls.getOrDefault(containerOf.get(id), 0) > 0)
                .toList();
    }

    private List<AppProcess> fleet(String run, String... lives) {
        List<AppProcess> fleet = new ArrayList<>();
        for (String life : lives) {
            fleet.add(startWorker(run + "-" + life, churnSettings(run + "-" + life)));
        }
        AppProcess last = fleet.get(fleet.size() - 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> last.log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));
        return fleet;
    }

    private static Map<String, String> churnSettings(String instance) {
        return Map.of("relocator.instance-id", "it-churn-" + instance,
                "relocator.concurrency.per-target-node", String.valueOf(PER_NODE),
                "relocator.concurrency.per-source-node", String.valueOf(PER_NODE),
                "mp.messaging.incoming.requests.session.timeout.ms", "10000",
                "mp.messaging.incoming.requests.heartbeat.interval.ms", "3000");
    }

    /** Asserts the run's outcome and the bounds, writes its figures; returns how many requests were reconciled. */
    private long assertOnceEachWithinBounds(String run, Map<String, String> containerOf, Map<String, Object> more) {
        Map<String, Integer> calls = callsPerContainer();
        Tally tally = Tally.of(containerOf, committedEvents(run), calls);
        Map<String, Integer> peakIn = perNode("peakIn");
        Map<String, Integer> peakOut = perNode("peakOut");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", containerOf.size());
        figures.putAll(more);
        figures.put("peak incoming per node (simulator)", peakIn);
        figures.put("peak outgoing per node (simulator)", peakOut);
        tally.addTo(figures);
        figures("FleetChurnIT-" + run, figures);

        assertNodeBounds(peakIn, peakOut, PER_NODE);
        tally.assertNoneLostOrDuplicated();
        Map<String, Integer> repeated = containerOf.values().stream().filter(c -> calls.getOrDefault(c, 0) != 1)
                .collect(Collectors.toMap(c -> c, c -> calls.getOrDefault(c, 0)));
        assertEquals(Map.of(), repeated, "containers whose migration was not sent exactly once");
        return tally.reconciled();
    }
}
