package io.relocator.worker.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.AdminClient;

/**
 * A node paused through the admin API of one worker, in a fleet of two, under load: the other worker shows it at
 * once, and nothing starts into or out of it at its Agent while the others' requests complete; the pause survives
 * {@code kill -9} of the worker holding the scheduling role (its successor reads it back: the held requests stay held
 * while new ones for other nodes run); resumed, the held requests run within the bounds. Every request ends exactly
 * once. Two workers, not three: each start costs about 13 s on this machine.
 */
class NodeControlIT extends ProcessTestSupport {

    static final int PER_NODE = 2;
    static final String PAUSED = "hn-02";

    @Test
    void aPauseHoldsAtTheAgentsAcrossAFailoverUntilResumed() {
        admin.reset();
        NODES.forEach(node -> admin.latency(node, 1_500));
        List<AppProcess> fleet = new ArrayList<>();
        for (String life : List.of("a", "b")) {
            fleet.add(startWorker(life, Map.of("relocator.instance-id", "it-control-" + life,
                    "relocator.concurrency.per-source-node", String.valueOf(PER_NODE))));
        }
        AppProcess holder = awaitSoleHolder(fleet, Duration.ofSeconds(60));
        AppProcess other = fleet.stream().filter(w -> w != holder).findFirst().orElseThrow();
        // The control is written by a worker that does not schedule, and read on the one that does.
        AdminClient caller = AdminClient.as(other.port(), "admin", ADMIN_PASSWORD);
        AdminClient reader = AdminClient.as(holder.port(), "admin", ADMIN_PASSWORD);

        Instant pausedAt = Instant.now();
        assertEquals(202, caller.post("/admin/api/nodes/" + PAUSED + "/pause", "").status());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> reader.node(PAUSED).path("pausedOut").asBoolean());
        Duration seenElsewhere = Duration.between(pausedAt, Instant.now());

        // Round hn-01..hn-04: requests into and out of hn-02 are held (half of them), the others run.
        Map<String, String> first = publish("control1", 16);
        Set<String> held = heldOf(first.keySet());
        awaitEvents("control1", events -> ended(events).size() == first.size() - held.size(), Duration.ofSeconds(60));
        assertEquals(0, peak("peakIn") + peak("peakOut"), "migrations into or out of the paused node at its Agent");
        assertTrue(committedEvents("control1").keySet().stream().noneMatch(held::contains), "held: no STARTED");
        assertTrue(reader.node(PAUSED).path("drained").asBoolean());

        Instant killedAt = Instant.now();
        holder.kill9();
        awaitSoleHolder(List.of(other), Duration.ofSeconds(30));
        Duration failover = Duration.between(killedAt, Instant.now());
        // New work for the other nodes runs under the new scheduler, the held requests still wait.
        Map<String, String> second = publish("control2", 8, List.of("hn-03", "hn-04"));
        awaitEvents("control2", events -> ended(events).size() == second.size(), Duration.ofSeconds(60));
        assertEquals(0, peak("peakIn") + peak("peakOut"), "the pause survived the failover: nothing at its Agent");
        assertEquals(held.size(), waitingAround(caller), "held requests waiting, into or out of the paused node");

        assertEquals(202, caller.delete("/admin/api/nodes/" + PAUSED + "/pause").status());
        awaitEvents("control1", events -> ended(events).size() == first.size(), Duration.ofSeconds(60));
        Map<String, Integer> calls = callsPerContainer();
        Tally firstTally = Tally.of(first, committedEvents("control1"), calls);
        Tally secondTally = Tally.of(second, committedEvents("control2"), calls);
        Map<String, Integer> peakIn = perNode("peakIn");
        Map<String, Integer> peakOut = perNode("peakOut");

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("workers", fleet.size());
        figures.put("pause published on", other.name() + ", seen on " + holder.name() + " (scheduler) after "
                + seenElsewhere.toMillis() + " ms");
        figures.put("held by the pause", held.size() + " of " + first.size());
        figures.put("kill -9 of the scheduler to a sole successor", failover.toMillis() + " ms");
        figures.put("peak incoming per node (simulator)", peakIn);
        figures.put("peak outgoing per node (simulator)", peakOut);
        figures("NodeControlIT", figures);

        assertTrue(peakIn.getOrDefault(PAUSED, 0) >= 1, "resumed: the held requests ran into it");
        assertNodeBounds(peakIn, peakOut, PER_NODE);
        firstTally.assertNoneLostOrDuplicated();
        secondTally.assertNoneLostOrDuplicated();
    }

    /** The requests of a {@link #publish} round NODES that go into or out of the paused node. */
    private static Set<String> heldOf(Set<String> ids) {
        int at = NODES.indexOf(PAUSED);
        Set<String> held = new java.util.HashSet<>();
        for (String id : ids) {
            int i = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
            if (i % NODES.size() == at || (i + 1) % NODES.size() == at) {
                held.add(id);
            }
        }
        return held;
    }

    /** Requests waiting, fleet-wide, whose source or target is the paused node (GET /admin/api/migrations). */
    private static int waitingAround(AdminClient client) {
        int count = 0;
        for (com.fasterxml.jackson.databind.JsonNode waiting : client.get("/admin/api/migrations").json()
                .path("waiting")) {
            if (PAUSED.equals(waiting.path("sourceNode").asText()) || PAUSED.equals(waiting.path("targetNode")
                    .asText())) {
                count++;
            }
        }
        return count;
    }

    private static int peak(String counter) {
        return perNode(counter).getOrDefault(PAUSED, 0);
    }
}
