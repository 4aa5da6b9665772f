package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.config.Secret;
import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationOptions;
import io.relocator.worker.simulator.Credentials;
import io.relocator.worker.simulator.SimulatedAgents;
import io.relocator.worker.simulator.SimulatorRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.ext.web.Router;

/**
 * The worker's real Agent client ({@link AgentClientBuilder}, {@link AgentClients}, {@link SoapAgent}) over TLS to
 * the simulator's own routes behind a Vert.x HTTPS server on 127.0.0.1, with self-signed certificates made by
 * keytool for this run. A certificate from the trust store whose names match works; a certificate the trust store
 * does not hold, or one whose names do not match, ends the call {@code UNREACHABLE} (the handshake fails before a
 * request is written, so no request reaches the server); {@code trust-all} accepts anything and says so at WARN.
 * The clients are built per case with the settings of the case, exactly as the application builds them; a
 * @QuarkusTest only because Quarkus CXF's async conduit hands answers to the running application's managed executor
 * (the application itself, its broker and its simulator are the shared ones of every @QuarkusTest, unused here).
 */
@QuarkusTest
class AgentTlsTest {

    private static final String USER = "root";

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    /** The Agent's certificate, in the trust store, for 127.0.0.1. */
    private static Path agentKeys;
    /** Another self-signed certificate for the same names, not in the trust store. */
    private static Path strangerKeys;
    /** In the trust store, but for another host name. */
    private static Path elsewhereKeys;
    private static Path trustStore;

    private final Secret password = Secret.of("pw-" + UUID.randomUUID());
    private final String container = UUID.randomUUID().toString();
    /** HTTP requests the server parsed: none when the handshake failed. */
    private final AtomicInteger requests = new AtomicInteger();
    private final Vertx vertx = Vertx.vertx();
    private final SimulatedAgents agents = new SimulatedAgents(new Credentials(USER, Optional.of(password.reveal())),
            Duration.ZERO);
    private HttpServer server;
    private WorkerAgentClients clients;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = new TestCertificates(dir);
        agentKeys = certificates.keyStore("agent", "ip:127.0.0.1");
        strangerKeys = certificates.keyStore("stranger", "ip:127.0.0.1");
        elsewhereKeys = certificates.keyStore("elsewhere", "dns:elsewhere.invalid");
        trustStore = certificates.trustStore("trust", agentKeys, elsewhereKeys);
    }

    @AfterEach
    void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTrustedCertificateForTheHostWorks() throws Exception {
        serve(agentKeys);
        SoapAgent soapAgent = soapAgent(trusting());
        AgentOutcome outcome = migrate(soapAgent);

        assertCompleted(outcome);
        assertTrue(soapAgent.locate("hn-02", container).await().atMost(Duration.ofSeconds(30)).present(),
                "the container moved");
    }

    @Test
    void aCertificateNotInTheTrustStoreIsUnreachableAndNothingIsSent() throws Exception {
        serve(strangerKeys);
        AgentOutcome outcome = migrate(soapAgent(trusting()));

        assertUnreachable(outcome);
        assertEquals(0, requests.get(), "no request reached the server");
    }

    @Test
    void aCertificateForAnotherNameIsUnreachableAndNothingIsSent() throws Exception {
        serve(elsewhereKeys);
        AgentOutcome outcome = migrate(soapAgent(trusting()));

        assertUnreachable(outcome);
        assertEquals(0, requests.get(), "no request reached the server");
    }

    /**
     * The migrate call's own handshake, not the login's: logged in over a trusted certificate, then the server
     * presents an unknown one. Every answer closes its connection, so the migration needs a new handshake.
     */
    @Test
    void aMigrationWhoseHandshakeFailsIsUnreachableNotInDoubt() throws Exception {
        serve(agentKeys);
        SoapAgent soapAgent = soapAgent(trusting());
        assertTrue(soapAgent.locate("hn-01", container).await().atMost(Duration.ofSeconds(30)).present());
        int before = requests.get();
        server.updateSSLOptions(new SSLOptions().setKeyCertOptions(keys(strangerKeys)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        AgentOutcome outcome = migrate(soapAgent);

        assertUnreachable(outcome);
        assertTrue(outcome.error().message().contains("certification path"), outcome.error().message());
        assertEquals(before, requests.get(), "the migration never reached the server");
    }

    @Test
    void trustAllAcceptsAnyCertificateAndSaysSoAtWarn() throws Exception {
        serve(strangerKeys);
        List<LogRecord> logged = logOf(AgentTls.class, () -> {
            assertCompleted(migrate(soapAgent(patient().withTrustAll())));
        });

        assertEquals(1, logged.size(), "one line, at start-up");
        assertEquals(Level.WARNING, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains("relocator.agent.trust-all=true"), logged.get(0).getMessage());
    }

    @Test
    void withoutTrustAllNothingIsSaid() throws Exception {
        serve(agentKeys);
        List<LogRecord> logged = logOf(AgentTls.class,
                () -> assertCompleted(migrate(soapAgent(trusting()))));

        assertEquals(List.of(), logged.stream().map(LogRecord::getMessage).toList());
    }

    /** What {@code type}'s logger wrote while {@code action} ran (the log manager is JBoss's, a JUL one). */
    private static List<LogRecord> logOf(Class<?> type, Runnable action) {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(type.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return logged;
    }

    private TestConfig.Agent trusting() {
        return patient().withTrustStore(trustStore.toString(), Secret.of(certificates.password));
    }

    /** Timeouts no busy CI machine reaches: a failed handshake must fail as such, not as a timeout. */
    private static TestConfig.Agent patient() {
        return TestConfig.agent().withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    private static void assertCompleted(AgentOutcome outcome) {
        assertTrue(outcome.isCompleted(), () -> String.valueOf(outcome.error()));
    }

    private static void assertUnreachable(AgentOutcome outcome) {
        assertFalse(outcome.isCompleted());
        assertNotNull(outcome.error());
        assertEquals(ErrorCode.UNREACHABLE, outcome.error().code(), outcome.error().toString());
        assertTrue(outcome.error().retryable(), "nothing was sent: safe to try again");
    }

    /** An HTTPS server on 127.0.0.1 with these keys, serving the simulator's routes; every answer closes its connection. */
    private void serve(Path keys) throws Exception {
        agents.placeContainer("hn-01", container);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            requests.incrementAndGet();
            ctx.addHeadersEndHandler(ignored -> ctx.response().putHeader("Connection", "close"));
            ctx.next();
        });
        SimulatorRoutes.mount(router, agents, 112, Optional.empty());
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(keys(keys)))
                .requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static PfxOptions keys(Path store) {
        return new PfxOptions().setPath(store.toString()).setPassword(certificates.password);
    }

    /** The worker's clients for hn-01 and hn-02, both at the server, built as the application builds them. */
    private SoapAgent soapAgent(TestConfig.Agent settings) {
        Map<String, RelocatorConfig.Node> nodes = Map.of("hn-01", node("hn-01"), "hn-02", node("hn-02"));
        clients = new WorkerAgentClients(vertx, settings, nodes);
        return clients.agent;
    }

    private TestConfig.Node node(String id) {
        return TestConfig.node("https://127.0.0.1:" + server.actualPort() + "/simulator/agents/" + id, id + ".sim.invalid")
                .withCredentials(USER, password);
    }

    private AgentOutcome migrate(SoapAgent soapAgent) {
        return soapAgent.migrate(new MigrationCall(container, "hn-01", "hn-02", 0, MigrationOptions.NONE,
                UUID.randomUUID().toString()))
                .await().atMost(Duration.ofSeconds(60));
    }
}
