package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationOptions;
import io.smallrye.mutiny.Uni;
import io.quarkiverse.cxf.CxfConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * SoapAgent against a real HTTP endpoint on 127.0.0.1 answering canned envelopes. A Quarkus test because the Vert.x
 * conduit's async mode hands answers to ArC's ManagedExecutor; the clients are built here, for the canned server.
 */
@QuarkusTest
@Disabled("Not verified yet: the app's start-up (TopicCreator) waits for a Kafka broker at 127.0.0.1:9092; "
        + "enable where one runs. Plain JUnit cannot run it: the conduit's async mode needs ArC's ManagedExecutor.")
class SoapAgentHttpTest {

    @Inject
    Vertx vertx;

    @Inject
    CxfConfig cxf;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONTAINER = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";

    private CannedAgent agent;
    private final List<AgentClients> built = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        agent = new CannedAgent(vertx);
    }

    @AfterEach
    void stop() {
        built.forEach(AgentClients::close);
        agent.close();
    }

    @Test
    void migrationCompletesWithTheSourceSessionInTheHeader() {
        Map<String, RelocatorConfig.Node> nodes = nodes(agent.url());
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes).migrate(call()));
        assertTrue(outcome.isCompleted(), () -> String.valueOf(outcome.error()));
        String body = agent.bodies.get(agent.bodies.size() - 1);
        assertTrue(body.contains("session-1</"), body);
        assertTrue(body.contains(TestConfig.SOAP_PROTOCOL_NS), body);
        assertTrue(body.contains("relocator</"), body);
        assertTrue(body.contains(base64(nodes.get("hn-02").password())), "dst has the target's password");
    }

    @Test
    void headerNamespaceCanBeTheProtocolOne() {
        var settings = TestConfig.agent().withHeaderNamespace(TestConfig.PROTOCOL_NS);
        AgentOutcome outcome = await(soapAgent(settings, nodes(agent.url())).migrate(call()));
        assertTrue(outcome.isCompleted(), () -> String.valueOf(outcome.error()));
        String body = agent.bodies.get(agent.bodies.size() - 1);
        assertFalse(body.contains(TestConfig.SOAP_PROTOCOL_NS), body);
        assertTrue(body.matches("(?s).*packet_header[^>]*" + TestConfig.PROTOCOL_NS.replace(".", "\\.") + ".*"), body);
    }

    @Test
    void agentErrorKeepsCodeAndMessageAndNoSecret() {
        agent.answerMigrations(body -> request -> CannedAgent.agentError(request, 4001, "not enough disk"));
        Map<String, RelocatorConfig.Node> nodes = nodes(agent.url());
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes).migrate(call()));
        assertEquals(ErrorCode.AGENT_ERROR, outcome.error().code());
        assertEquals(4001, outcome.error().agentCode());
        assertEquals("not enough disk", outcome.error().message());
        assertEquals("hn-01", outcome.error().node());
        assertFalse(outcome.error().retryable());
        assertNoSecret(outcome, nodes);
    }

    @Test
    void faultWithoutDetailUsesFaultString() {
        agent.answerMigrations(body -> request -> CannedAgent.faultWithoutDetail(request, "operator busy"));
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes(agent.url())).migrate(call()));
        assertEquals(ErrorCode.AGENT_ERROR, outcome.error().code());
        assertEquals("operator busy", outcome.error().message());
        assertNull(outcome.error().agentCode());
    }

    @Test
    void expiredSessionLogsInOnceAndResends() {
        AtomicBoolean expired = new AtomicBoolean();
        agent.answerMigrations(body -> request -> {
            agent.done();
            if (expired.compareAndSet(false, true)) {
                CannedAgent.agentError(request, 112, "session expired");
            } else {
                CannedAgent.migrated(request);
            }
        });
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes(agent.url())).migrate(call()));
        assertTrue(outcome.isCompleted(), () -> String.valueOf(outcome.error()));
        assertEquals(2, agent.logins.get());
        assertTrue(agent.bodies.get(agent.bodies.size() - 1).contains("session-2</"));
    }

    @Test
    void refusedLoginIsAuthFailed() {
        agent.refuseLogins = true;
        Map<String, RelocatorConfig.Node> nodes = nodes(agent.url());
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes).migrate(call()));
        assertEquals(ErrorCode.AUTH_FAILED, outcome.error().code(), String.valueOf(outcome.error()));
        assertEquals(403, outcome.error().agentCode());
        assertEquals("hn-01", outcome.error().node());
        assertEquals(0, agent.maxInProgress.get(), "no migration was sent");
        assertNoSecret(outcome, nodes);
    }

    @Test
    void closedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes("http://127.0.0.1:" + port)).migrate(call()));
        assertEquals(ErrorCode.UNREACHABLE, outcome.error().code(), String.valueOf(outcome.error()));
        assertTrue(outcome.error().retryable());
    }

    @Test
    void noAnswerWithinTheReceiveTimeoutIsInDoubt() {
        agent.answerMigrations(body -> request -> {
            // never answers
        });
        Map<String, RelocatorConfig.Node> nodes = nodes(agent.url());
        nodes.put("hn-01", ((TestConfig.Node) nodes.get("hn-01")).withReceiveTimeout(Duration.ofMillis(700)));
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes).migrate(call()));
        assertEquals(ErrorCode.IN_DOUBT, outcome.error().code(), String.valueOf(outcome.error()));
        assertFalse(outcome.error().retryable());
    }

    @Test
    void connectionDroppedAfterSendingIsInDoubt() {
        agent.answerMigrations(body -> request -> request.connection().close());
        AgentOutcome outcome = await(soapAgent(TestConfig.agent(), nodes(agent.url())).migrate(call()));
        assertEquals(ErrorCode.IN_DOUBT, outcome.error().code(), String.valueOf(outcome.error()));
    }

    @Test
    void perSourceBoundOfEightPutsEightCallsAtTheAgentAtOnce() {
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        agent.answerMigrations(body -> request -> {
            held.add(request);
            if (held.size() == 8) {
                held.forEach(r -> {
                    agent.done();
                    CannedAgent.migrated(r);
                });
            }
        });
        Map<String, RelocatorConfig.Node> nodes = nodes(agent.url());
        nodes.put("hn-01", ((TestConfig.Node) nodes.get("hn-01")).withMaxOutgoing(8));
        SoapAgent soap = soapAgent(TestConfig.agent(), nodes);
        List<Uni<AgentOutcome>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(soap.migrate(call()));
        }
        List<AgentOutcome> outcomes = Uni.join().all(calls).andFailFast().await().atMost(WAIT);
        outcomes.forEach(o -> assertTrue(o.isCompleted(), () -> String.valueOf(o.error())));
        assertEquals(8, agent.maxInProgress.get());
    }

    @Test
    void containerPresenceComesFromGetInfo() {
        agent.answerMigrations(body -> request -> {
            agent.done();
            CannedAgent.reply(request, 200, "<get_infoResponse xmlns=\"http://www.swsoft.com/webservices/vzl/4.0.0/envm\""
                    + " xmlns:t=\"http://www.swsoft.com/webservices/vzl/4.0.0/types\"><env><t:parent_eid>0</t:parent_eid>"
                    + "<t:eid>" + CONTAINER + "</t:eid><t:status><t:state>6</t:state></t:status><t:alert>0</t:alert>"
                    + "</env></get_infoResponse>");
        });
        SoapAgent soap = soapAgent(TestConfig.agent(), nodes(agent.url()));
        ContainerPresence presence = soap.containersOn("hn-01", CONTAINER).await().atMost(WAIT);
        assertTrue(presence.isKnown(), () -> String.valueOf(presence.error()));
        assertTrue(presence.present());
        assertEquals(6, presence.state());
        assertTrue(agent.bodies.get(agent.bodies.size() - 1).contains("envm</"), "get_info goes to the envm operator");

        agent.answerMigrations(body -> request -> {
            agent.done();
            CannedAgent.reply(request, 200,
                    "<get_infoResponse xmlns=\"http://www.swsoft.com/webservices/vzl/4.0.0/envm\"/>");
        });
        assertFalse(soap.containersOn("hn-01", CONTAINER).await().atMost(WAIT).present());
    }

    private SoapAgent soapAgent(RelocatorConfig.Agent settings, Map<String, RelocatorConfig.Node> nodes) {
        AgentClientBuilder builder = new AgentClientBuilder(vertx, BusFactory.getDefaultBus(), settings, 4,
                key -> SoapAgent.clientInfo(cxf, vertx, key), 30_000);
        AgentClients clients = AgentClients.build(builder, nodes);
        built.add(clients);
        return new SoapAgent(settings, nodes, clients);
    }

    private static Map<String, RelocatorConfig.Node> nodes(String sourceUrl) {
        Map<String, RelocatorConfig.Node> nodes = new LinkedHashMap<>();
        nodes.put("hn-01", TestConfig.node(sourceUrl, "hn-01.sim.invalid"));
        nodes.put("hn-02", TestConfig.node("http://127.0.0.1:9", "hn-02.sim.invalid"));
        return nodes;
    }

    private static MigrationCall call() {
        return new MigrationCall(CONTAINER, "hn-01", "hn-02", 0, MigrationOptions.NONE);
    }

    private static AgentOutcome await(Uni<AgentOutcome> outcome) {
        return outcome.await().atMost(WAIT);
    }

    private static void assertNoSecret(AgentOutcome outcome, Map<String, RelocatorConfig.Node> nodes) {
        String text = String.valueOf(outcome.error());
        nodes.values().forEach(node -> {
            assertFalse(text.contains(node.password()));
            assertFalse(text.contains(base64(node.password())));
        });
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
