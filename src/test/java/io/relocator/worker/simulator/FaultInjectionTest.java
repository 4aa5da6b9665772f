package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** Each injected fault mode, set through the admin view as a test of the worker would set it. */
class FaultInjectionTest {

    private final String ct1 = UUID.randomUUID().toString();
    private SimulatorHarness sim;
    private String session;

    @BeforeEach
    void start() {
        sim = new SimulatorHarness(Duration.ofMillis(20));
        sim.agents.placeContainer("hn-01", ct1);
        sim.agents.node("hn-02");
        session = sim.login("hn-01");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private void inject(String json) {
        assertEquals(204, sim.admin("PUT", "/nodes/hn-01/fault", json).statusCode());
    }

    @Test
    void agentErrorAnswersEveryMigrateWithTheGivenCode() {
        inject("{\"fault\":\"AGENT_ERROR\",\"code\":417}");

        HttpResponse<String> response = sim.migrate(session, "hn-01", "hn-02", ct1);

        assertEquals(500, response.statusCode());
        assertEquals(417, SoapAnswers.faultCode(response.body()));
        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
    }

    @Test
    void echoCredentialsRefusesWithTheDestinationPasswordInItsText() {
        inject("{\"fault\":\"ECHO_CREDENTIALS\",\"code\":133}");

        HttpResponse<String> response = sim.migrate(session, "hn-01", "hn-02", ct1);

        assertEquals(500, response.statusCode());
        assertEquals(133, SoapAnswers.faultCode(response.body()));
        String base64 = java.util.Base64.getEncoder().encodeToString(sim.password.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(response.body().contains(sim.password) && response.body().contains(base64), response.body());
        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
    }

    @Test
    void refuseLoginRefusesEvenTheRightCredentials() {
        inject("{\"fault\":\"REFUSE_LOGIN\"}");

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.login(SimulatorHarness.USER, sim.password));

        assertEquals(AgentFault.LOGIN_REFUSED, SoapAnswers.faultCode(response.body()));
    }

    @Test
    void http503AnswersWithoutASoapBody() {
        inject("{\"fault\":\"HTTP_503\"}");

        HttpResponse<String> response = sim.migrate(session, "hn-01", "hn-02", ct1);

        assertEquals(503, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void dropAfterMigrateMovesTheContainerButNeverAnswers() {
        inject("{\"fault\":\"DROP_AFTER_MIGRATE\"}");

        assertDropped(sim.soapAsync("hn-01", migrateEnvelope()));

        assertEquals(List.of(), sim.containersOn("hn-01", session, ct1));
        assertEquals(List.of(ct1), sim.containersOn("hn-02", sim.login("hn-02"), ct1));
        assertEquals(1, node("hn-01").getLong("completed"));
    }

    @Test
    void dropBeforeMigrateLeavesTheContainerWhereItWas() {
        inject("{\"fault\":\"DROP_BEFORE_MIGRATE\"}");

        assertDropped(sim.soapAsync("hn-01", migrateEnvelope()));

        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
        assertEquals(1, node("hn-01").getLong("failed"));
        assertEquals(0, node("hn-02").getLong("peakIn"));
    }

    @Test
    void noneRestoresNormalService() {
        inject("{\"fault\":\"HTTP_503\"}");
        inject("{\"fault\":\"NONE\"}");

        assertEquals(200, sim.migrate(session, "hn-01", "hn-02", ct1).statusCode());
    }

    @Test
    void anUnknownFaultNameIsABadAdminRequest() {
        assertEquals(400, sim.admin("PUT", "/nodes/hn-01/fault", "{\"fault\":\"EXPLODE\"}").statusCode());
        assertEquals(400, sim.admin("PUT", "/nodes/hn-01/fault", "not json").statusCode());
    }

    private String migrateEnvelope() {
        return AgentEnvelopes.migrate(session, List.of(ct1), SimulatorHarness.address("hn-02"), SimulatorHarness.USER,
                sim.password);
    }

    private JsonObject node(String id) {
        return sim.stats().getJsonObject("nodes").getJsonObject(id);
    }

    private static void assertDropped(java.util.concurrent.CompletableFuture<HttpResponse<String>> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, () -> "expected a broken connection, got " + e.getCause());
    }
}
