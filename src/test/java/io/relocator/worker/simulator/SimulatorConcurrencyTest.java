package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/**
 * Many slow migrations at once on a simulator with a single event loop and a single worker thread: they can only all
 * be in flight together if no call holds a thread while it waits. Asserts counts (completed, peaks), not wall-clock
 * time. The latency is 1 s rather than less so that, even on a loaded CI machine, every request has arrived before
 * the first one ends (at 300 ms with three busy-loops beside it, one run in fifteen saw a peak of 97): the exact peak
 * is then known.
 */
class SimulatorConcurrencyTest {

    private static final int PER_PAIR = 50;
    private static final List<String> SOURCES = List.of("hn-01", "hn-02");
    private static final List<String> TARGETS = List.of("hn-03", "hn-04");

    @Test
    void twoHundredSlowMigrationsRunTogetherAndPeaksAreCounted() {
        try (SimulatorHarness sim = new SimulatorHarness(Duration.ofSeconds(1))) {
            TARGETS.forEach(sim.agents::node);
            List<String> sessions = SOURCES.stream().map(sim::login).toList();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            warmUpConnections(sim, sessions.get(0));

            for (int s = 0; s < SOURCES.size(); s++) {
                for (String target : TARGETS) {
                    for (int i = 0; i < PER_PAIR; i++) {
                        String eid = UUID.randomUUID().toString();
                        sim.agents.placeContainer(SOURCES.get(s), eid);
                        calls.add(sim.soapAsync(SOURCES.get(s), AgentEnvelopes.migrate(sessions.get(s), List.of(eid),
                                SimulatorHarness.address(target), SimulatorHarness.USER, sim.password)));
                    }
                }
            }

            calls.forEach(call -> assertEquals(200, SimulatorHarness.await(call).statusCode()));
            JsonObject nodes = sim.stats().getJsonObject("nodes");
            for (String target : TARGETS) {
                assertEquals(2 * PER_PAIR, nodes.getJsonObject(target).getInteger("peakIn"), target);
                assertEquals(0, nodes.getJsonObject(target).getInteger("inFlightIn"), target);
                assertEquals(2 * PER_PAIR, nodes.getJsonObject(target).getJsonArray("containers").size(), target);
            }
            for (String source : SOURCES) {
                assertEquals(2 * PER_PAIR, nodes.getJsonObject(source).getInteger("peakOut"), source);
                assertEquals(2 * PER_PAIR, nodes.getJsonObject(source).getLong("completed"), source);
                assertEquals(0, nodes.getJsonObject(source).getJsonArray("containers").size(), source);
            }
            assertEquals(4 * PER_PAIR, sim.stats().getJsonObject("totals").getLong("migrateCalls"));
        }
    }

    /**
     * Opens the client's connections before the measured burst, so all 200 requests reach the server well within one
     * latency and the expected peak is exact.
     */
    private static void warmUpConnections(SimulatorHarness sim, String session) {
        List<CompletableFuture<HttpResponse<String>>> warm = new ArrayList<>();
        for (int i = 0; i < 4 * PER_PAIR; i++) {
            warm.add(sim.soapAsync("hn-01", AgentEnvelopes.getInfo(session)));
        }
        warm.forEach(SimulatorHarness::await);
    }
}
