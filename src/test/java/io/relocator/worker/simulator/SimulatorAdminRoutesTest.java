package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The admin view's JSON and its setup calls. */
class SimulatorAdminRoutesTest {

    private final String ct1 = UUID.randomUUID().toString();
    private SimulatorHarness sim;

    @BeforeEach
    void start() {
        sim = new SimulatorHarness(Duration.ZERO);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void statsReportPerNodeCountersAndPerContainerCalls() {
        assertEquals(204, sim.admin("PUT", "/nodes/hn-01/containers/" + ct1, null).statusCode());
        sim.agents.node("hn-02");
        String session = sim.login("hn-01");
        sim.containersOn("hn-01", session, ct1);
        sim.migrate(session, "hn-01", "hn-02", ct1);

        JsonObject stats = sim.stats();
        JsonObject source = stats.getJsonObject("nodes").getJsonObject("hn-01");
        JsonObject target = stats.getJsonObject("nodes").getJsonObject("hn-02");

        assertEquals(new JsonArray(), source.getJsonArray("containers"));
        assertEquals(new JsonArray(List.of(ct1)), target.getJsonArray("containers"));
        assertEquals(1, source.getLong("loginCalls"));
        assertEquals(1, source.getLong("getInfoCalls"));
        assertEquals(1, source.getLong("migrateCalls"));
        assertEquals(1, source.getLong("completed"));
        assertEquals(0, source.getLong("failed"));
        assertEquals(1, source.getInteger("peakOut"));
        assertEquals(1, target.getInteger("peakIn"));
        assertEquals(0, target.getInteger("inFlightIn"));
        assertEquals("NONE", source.getString("fault"));
        assertEquals(1, stats.getJsonObject("containerMigrateCalls").getLong(ct1));
        assertEquals(1, stats.getJsonObject("totals").getLong("migrateCalls"));
    }

    @Test
    void placingAContainerTakesItOffItsFormerNode() {
        sim.admin("PUT", "/nodes/hn-01/containers/" + ct1, null);
        sim.admin("PUT", "/nodes/hn-02/containers/" + ct1, null);

        JsonObject nodes = sim.stats().getJsonObject("nodes");

        assertEquals(0, nodes.getJsonObject("hn-01").getJsonArray("containers").size());
        assertEquals(1, nodes.getJsonObject("hn-02").getJsonArray("containers").size());
    }

    @Test
    void resetClearsCountersButKeepsContainers() {
        sim.admin("PUT", "/nodes/hn-01/containers/" + ct1, null);
        sim.login("hn-01");

        assertEquals(204, sim.admin("POST", "/reset", null).statusCode());
        JsonObject node = sim.stats().getJsonObject("nodes").getJsonObject("hn-01");

        assertEquals(0, node.getLong("loginCalls"));
        assertEquals(1, node.getJsonArray("containers").size());
    }

    @Test
    void latencyCanBeSetPerNode() {
        assertEquals(204, sim.admin("PUT", "/nodes/hn-01/latency", "{\"millis\":250}").statusCode());

        assertEquals(250, sim.stats().getJsonObject("nodes").getJsonObject("hn-01").getLong("latencyMs"));
    }

    @Test
    void anInvalidNodeIdIsRefused() {
        assertEquals(400, sim.admin("PUT", "/nodes/HN_01/containers/" + ct1, null).statusCode());
        assertEquals(404, sim.soap("HN_01", AgentEnvelopes.login(SimulatorHarness.USER, sim.password)).statusCode());
    }
}
