package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin view's JSON and its setup calls, its token and its limits; real HTTP on 127.0.0.1. Not a @QuarkusTest:
 * {@link SimulatorHarness} mounts the same routes as the application.
 */
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
    void theFleetPeakCountsMigrationsOnEveryNodeTogetherAndRestartsFromWhatRunsAtAReset() {
        List<SimulatedAgents.Migration> running = new ArrayList<>();
        for (String[] move : new String[][] {{"hn-01", "hn-02"}, {"hn-03", "hn-04"}, {"hn-05", "hn-06"}}) {
            String eid = UUID.randomUUID().toString();
            sim.agents.placeContainer(move[0], eid);
            sim.agents.node(move[1]);
            running.add(sim.agents.beginMigration(sim.agents.node(move[0]), migrateCall(eid, move[1]),
                    Optional.empty()));
        }
        sim.agents.finishMigration(running.get(0));
        sim.agents.finishMigration(running.get(1));

        JsonObject fleet = sim.stats().getJsonObject("fleet");
        assertEquals(3, fleet.getInteger("peak"), "three at once on three disjoint pairs of nodes");
        assertEquals(1, fleet.getInteger("inFlight"));
        JsonObject nodes = sim.stats().getJsonObject("nodes");
        assertEquals(1, nodes.getJsonObject("hn-02").getInteger("peakIn"), "no node saw more than one");

        sim.admin("POST", "/reset", null);
        assertEquals(1, sim.stats().getJsonObject("fleet").getInteger("peak"), "the one still running");
        sim.agents.finishMigration(running.get(2));
        assertEquals(0, sim.stats().getJsonObject("fleet").getInteger("inFlight"));
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

    @Test
    void withoutATokenConfiguredThereAreNoAdminRoutes() {
        try (SimulatorHarness noToken = new SimulatorHarness(Duration.ZERO, true, false, SimulatorLimits.DEFAULT)) {
            assertEquals(404, noToken.admin("GET", "/stats", null, Optional.empty()).statusCode());
            assertEquals(404, noToken.admin("PUT", "/nodes/hn-01/containers/" + ct1, null,
                    Optional.of("Bearer " + noToken.adminToken)).statusCode());
            assertTrue(noToken.agents.nodes().isEmpty(), "nothing created");
            assertEquals(200, noToken.soap("hn-01", AgentEnvelopes.login(SimulatorHarness.USER, noToken.password))
                    .statusCode(), "the simulated Agents are served all the same");
        }
    }

    @Test
    void aMissingOrWrongTokenIsRefusedWithoutDetailAndChangesNothing() {
        List<Optional<String>> refused = List.of(Optional.empty(), Optional.of("Bearer " + UUID.randomUUID()),
                Optional.of("Bearer " + sim.adminToken + "x"), Optional.of("Bearer"), Optional.of(sim.adminToken),
                Optional.of("Basic " + sim.adminToken));
        for (Optional<String> authorization : refused) {
            for (String[] call : List.of(new String[] {"GET", "/stats", null},
                    new String[] {"PUT", "/nodes/hn-01/containers/" + ct1, null},
                    new String[] {"POST", "/nodes/hn-02/containers", "{\"containers\":[\"" + ct1 + "\"]}"},
                    new String[] {"PUT", "/nodes/hn-01/fault", "{\"fault\":\"HTTP_503\"}"},
                    new String[] {"POST", "/reset", null})) {
                var response = sim.admin(call[0], call[1], call[2], authorization);
                assertEquals(401, response.statusCode(), call[0] + " " + call[1] + " with " + authorization);
                assertEquals("", response.body(), "no detail");
            }
        }
        assertTrue(sim.agents.nodes().isEmpty(), "no node created");
    }

    @Test
    void theRightTokenWorksWhateverTheSchemeCase() {
        assertEquals(204, sim.admin("PUT", "/nodes/hn-01/containers/" + ct1, null,
                Optional.of("bearer " + sim.adminToken)).statusCode());

        assertEquals(new JsonArray(List.of(ct1)),
                sim.stats().getJsonObject("nodes").getJsonObject("hn-01").getJsonArray("containers"));
    }

    @Test
    void aCallThatWouldPassTheNodeLimitIsRefusedAndCreatesNothing() {
        try (SimulatorHarness small = new SimulatorHarness(Duration.ZERO, true, true, new SimulatorLimits(2, 100))) {
            assertEquals(204, small.admin("PUT", "/nodes/hn-01/containers/" + ct1, null).statusCode());
            assertEquals(204, small.admin("PUT", "/nodes/hn-02/latency", "{\"millis\":5}").statusCode());

            String other = UUID.randomUUID().toString();
            var refused = small.admin("PUT", "/nodes/hn-03/containers/" + other, null);
            assertEquals(409, refused.statusCode());
            assertTrue(refused.body().contains("relocator.simulator.max-nodes (2)"), refused.body());
            assertEquals(409, small.admin("PUT", "/nodes/hn-03/fault", "{\"fault\":\"HTTP_503\"}").statusCode());
            assertEquals(404, small.soap("hn-03", AgentEnvelopes.login(SimulatorHarness.USER, small.password))
                    .statusCode(), "nor through the Agent routes");

            JsonObject nodes = small.stats().getJsonObject("nodes");
            assertEquals(List.of("hn-01", "hn-02"), List.copyOf(nodes.fieldNames()));
            assertFalse(nodes.encode().contains(other), "the container was not placed");
        }
    }

    @Test
    void aCallThatWouldPassTheContainerLimitIsRefusedAndPlacesNone() {
        try (SimulatorHarness small = new SimulatorHarness(Duration.ZERO, true, true, new SimulatorLimits(10, 3))) {
            String a = UUID.randomUUID().toString();
            String b = UUID.randomUUID().toString();
            String c = UUID.randomUUID().toString();
            String d = UUID.randomUUID().toString();
            assertEquals(204, small.admin("POST", "/nodes/hn-01/containers", batch(a, b)).statusCode());

            var refused = small.admin("POST", "/nodes/hn-02/containers", batch(c, d));
            assertEquals(409, refused.statusCode());
            assertTrue(refused.body().contains("relocator.simulator.max-containers (3)"), refused.body());

            JsonObject nodes = small.stats().getJsonObject("nodes");
            assertEquals(List.of("hn-01"), List.copyOf(nodes.fieldNames()), "no node created for the refused batch");
            assertEquals(new JsonArray(List.of(a, b).stream().sorted().toList()),
                    nodes.getJsonObject("hn-01").getJsonArray("containers"));
            assertEquals(204, small.admin("POST", "/nodes/hn-02/containers", batch(a, c)).statusCode(),
                    "moving a container adds none: a and c make three");
        }
    }

    private static String batch(String... eids) {
        return new JsonObject().put("containers", new JsonArray(List.of(eids))).encode();
    }

    private MigrateV2vCall migrateCall(String eid, String target) {
        return new MigrateV2vCall(false, false, Optional.empty(), Optional.empty(), List.of(eid),
                SimulatorHarness.address(target), b64(SimulatorHarness.USER), b64(sim.password));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
