package io.relocator.worker.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated Agent's SOAP operations over real HTTP: login, get_info, migrate_v2v and their refusals. Not a
 * {@code @QuarkusTest}: the simulator is plain Vert.x, and starting the application would need a Kafka broker.
 */
class AgentSoapHandlerTest {

    private final String ct1 = UUID.randomUUID().toString();
    private SimulatorHarness sim;

    @BeforeEach
    void start() {
        sim = new SimulatorHarness(Duration.ZERO);
        sim.agents.placeContainer("hn-01", ct1);
        sim.agents.node("hn-02");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void loginWithConfiguredCredentialsOpensASession() {
        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.login(SimulatorHarness.USER, sim.password));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        assertNotEquals("", SoapAnswers.sessionId(response.body()));
    }

    @Test
    void loginWithWrongPasswordOrUserIsRefused() {
        HttpResponse<String> badPassword = sim.soap("hn-01", AgentEnvelopes.login(SimulatorHarness.USER, "x" + sim.password));
        HttpResponse<String> badUser = sim.soap("hn-01", AgentEnvelopes.login("nobody", sim.password));

        assertEquals(500, badPassword.statusCode());
        assertEquals(AgentFault.LOGIN_REFUSED, SoapAnswers.faultCode(badPassword.body()));
        assertEquals(AgentFault.LOGIN_REFUSED, SoapAnswers.faultCode(badUser.body()));
        assertFalse(badPassword.body().contains(AgentEnvelopes.b64("x" + sim.password)), "fault echoes the password");
        assertEquals(2, sim.stats().getJsonObject("nodes").getJsonObject("hn-01").getLong("loginCalls"));
    }

    @Test
    void withoutAConfiguredPasswordEveryLoginIsRefused() {
        try (SimulatorHarness noPassword = new SimulatorHarness(Duration.ZERO, false)) {
            HttpResponse<String> response = noPassword.soap("hn-01", AgentEnvelopes.login(SimulatorHarness.USER, ""));

            assertEquals(AgentFault.LOGIN_REFUSED, SoapAnswers.faultCode(response.body()));
        }
    }

    @Test
    void migrateMovesTheContainerFromSourceToDestination() {
        String onSource = sim.login("hn-01");
        String onDestination = sim.login("hn-02");
        assertEquals(List.of(ct1), sim.containersOn("hn-01", onSource, ct1));

        HttpResponse<String> response = sim.migrate(onSource, "hn-01", "hn-02", ct1);

        assertEquals(200, response.statusCode());
        assertTrue(SoapAnswers.isMigrateResponse(response.body()));
        assertEquals(List.of(), sim.containersOn("hn-01", onSource, ct1));
        assertEquals(List.of(ct1), sim.containersOn("hn-02", onDestination, ct1));
    }

    @Test
    void getInfoWithoutEidListsEveryContainerOfTheNode() {
        String session = sim.login("hn-01");

        assertEquals(List.of(ct1), sim.containersOn("hn-01", session));
    }

    @Test
    void aContainerNotOnTheSourceIsRefused() {
        String session = sim.login("hn-02");

        HttpResponse<String> response = sim.migrate(session, "hn-02", "hn-01", ct1);

        assertEquals(500, response.statusCode());
        assertEquals(AgentFault.CONTAINER_NOT_FOUND, SoapAnswers.faultCode(response.body()));
        assertEquals(1, sim.stats().getJsonObject("nodes").getJsonObject("hn-02").getLong("failed"));
    }

    @Test
    void aDestinationThatNamesNoNodeIsRefused() {
        String session = sim.login("hn-01");

        HttpResponse<String> response = sim.migrate(session, "hn-01", "Not_A_Node", ct1);

        assertEquals(AgentFault.UNKNOWN_DESTINATION, SoapAnswers.faultCode(response.body()));
        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
    }

    @Test
    void wrongDestinationCredentialsAreRefused() {
        String session = sim.login("hn-01");

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.migrate(session, List.of(ct1),
                SimulatorHarness.address("hn-02"), SimulatorHarness.USER, "not-" + sim.password));

        assertEquals(AgentFault.DESTINATION_LOGIN_REFUSED, SoapAnswers.faultCode(response.body()));
        assertFalse(response.body().contains(AgentEnvelopes.b64("not-" + sim.password)), "fault echoes the password");
    }

    @Test
    void aContainerAlreadyBeingMigratedIsBusy() {
        sim.agents.setLatency("hn-01", Optional.of(Duration.ofSeconds(1)));
        String session = sim.login("hn-01");
        var first = sim.soapAsync("hn-01", AgentEnvelopes.migrate(session, List.of(ct1),
                SimulatorHarness.address("hn-02"), SimulatorHarness.USER, sim.password));
        await().until(() -> sim.agents.node("hn-01").inFlightOut.get() == 1);

        HttpResponse<String> second = sim.migrate(session, "hn-01", "hn-02", ct1);

        assertEquals(AgentFault.CONTAINER_BUSY, SoapAnswers.faultCode(second.body()));
        assertEquals(200, SimulatorHarness.await(first).statusCode());
        assertEquals(2, sim.stats().getJsonObject("containerMigrateCalls").getLong(ct1));
    }

    @Test
    void aCallWithoutSessionOrWithAnExpiredOneGetsTheSessionInvalidCode() {
        String session = sim.login("hn-01");
        sim.admin("POST", "/nodes/hn-01/expire-sessions", null);

        HttpResponse<String> expired = sim.migrate(session, "hn-01", "hn-02", ct1);
        HttpResponse<String> none = sim.soap("hn-01", AgentEnvelopes.migrate("", List.of(ct1),
                SimulatorHarness.address("hn-02"), SimulatorHarness.USER, sim.password));
        HttpResponse<String> otherNode = sim.soap("hn-02", AgentEnvelopes.getInfo(sim.login("hn-01"), ct1));

        assertEquals(SimulatorHarness.SESSION_INVALID, SoapAnswers.faultCode(expired.body()));
        assertEquals(SimulatorHarness.SESSION_INVALID, SoapAnswers.faultCode(none.body()));
        assertEquals(SimulatorHarness.SESSION_INVALID, SoapAnswers.faultCode(otherNode.body()));
        assertEquals(200, sim.migrate(sim.login("hn-01"), "hn-01", "hn-02", ct1).statusCode());
    }

    @Test
    void logoutEndsTheSession() {
        String session = sim.login("hn-01");

        assertEquals(200, sim.soap("hn-01", AgentEnvelopes.logout(session)).statusCode());
        HttpResponse<String> after = sim.soap("hn-01", AgentEnvelopes.getInfo(session, ct1));

        assertEquals(SimulatorHarness.SESSION_INVALID, SoapAnswers.faultCode(after.body()));
    }

    @Test
    void packetHeaderIsAcceptedInTheProtocolNamespaceToo() {
        String session = sim.login("hn-01");
        String header = AgentEnvelopes.header(AgentEnvelopes.PROTOCOL, "vzarelocator", session);

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.migrateWithHeader(header, List.of(ct1),
                SimulatorHarness.address("hn-02"), SimulatorHarness.USER, sim.password));

        assertEquals(200, response.statusCode());
    }

    @Test
    void anElementInTheWrongNamespaceIsABadRequest() {
        String session = sim.login("hn-01");
        String wrong = AgentEnvelopes.migrate(session, List.of(ct1), SimulatorHarness.address("hn-02"),
                SimulatorHarness.USER, sim.password).replace("<t:eid>", "<eid>").replace("</t:eid>", "</eid>");

        HttpResponse<String> response = sim.soap("hn-01", wrong);

        assertEquals(AgentFault.BAD_REQUEST, SoapAnswers.faultCode(response.body()));
        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
    }

    @Test
    void anUnknownOperationIsRefused() {
        String body = "<x:get_list xmlns:x=\"" + AgentEnvelopes.BASE + "envm\"/>";

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.envelope("", body));

        assertEquals(AgentFault.UNKNOWN_OPERATION, SoapAnswers.faultCode(response.body()));
    }

    @Test
    void cancelByPacketIdStopsARunningMigrationAndAnswersOk() {
        sim.agents.setLatency("hn-01", Optional.of(Duration.ofMinutes(5)));
        String session = sim.login("hn-01");
        String packet = UUID.randomUUID().toString();
        sim.soapAsync("hn-01", AgentEnvelopes.migrate(session, packet, List.of(ct1), SimulatorHarness.address("hn-02"),
                SimulatorHarness.USER, sim.password));
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.agents.isMigrating(ct1));

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.cancel(session, packet));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("cancelResponse"), response.body());
        assertFalse(sim.agents.isMigrating(ct1));
        assertEquals(List.of(ct1), sim.containersOn("hn-01", session, ct1));
        assertEquals(1, sim.stats().getJsonObject("nodes").getJsonObject("hn-01").getLong("cancelled"));
    }

    @Test
    void cancelOfAnUnknownPacketIsAnAgentError() {
        String session = sim.login("hn-01");

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.cancel(session, "never-sent"));

        assertEquals(AgentFault.UNKNOWN_MESSAGE, SoapAnswers.faultCode(response.body()));
    }

    @Test
    void aSystemRequestWithATargetInItsHeaderIsABadRequest() {
        String session = sim.login("hn-01");
        String withTarget = AgentEnvelopes.cancel(session, "p").replace("<h:session>",
                "<h:target>relocator</h:target><h:session>");

        assertEquals(AgentFault.BAD_REQUEST, SoapAnswers.faultCode(sim.soap("hn-01", withTarget).body()));
    }

    @Test
    void anAgentThatDoesNotOfferCancelAnswersUnknownOperation() {
        String session = sim.login("hn-01");
        assertEquals(204, sim.admin("PUT", "/cancel", "{\"offered\": false}").statusCode());

        HttpResponse<String> response = sim.soap("hn-01", AgentEnvelopes.cancel(session, "p"));

        assertEquals(AgentFault.UNKNOWN_OPERATION, SoapAnswers.faultCode(response.body()));
        assertFalse(sim.stats().getBoolean("offersCancel"));
    }
}
