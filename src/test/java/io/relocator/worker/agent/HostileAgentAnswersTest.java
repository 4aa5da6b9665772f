package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.config.Secret;
import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.ContainerPresence;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationError;
import io.relocator.worker.domain.MigrationOptions;
import io.relocator.worker.simulator.Credentials;
import io.relocator.worker.simulator.SimulatedAgents;
import io.relocator.worker.simulator.SimulatorRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * An Agent that answers with hostile bodies, over real HTTP on 127.0.0.1, to the worker's own clients: the
 * simulator's routes log in, and one operation's answer is replaced by the case's body. A migration whose answer is
 * huge, carries a DOCTYPE (an external entity, a billion laughs), has the wrong namespaces or is not XML may have run
 * on the Agent: it ends {@code IN_DOUBT}, so the runner reconciles it; never COMPLETED, never an Agent's refusal
 * (AGENT_ERROR would end it without asking the Agents). A login or a get_info answered so is a plain failure. No entity
 * is read or expanded. A @QuarkusTest only for the managed executor the async conduit needs ({@link WorkerAgentClients}).
 */
@QuarkusTest
class HostileAgentAnswersTest {

    private static final String USER = "root";
    private static final long CAP = 64 * 1024;
    private static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String RELOCATOR_NS = "http://www.swsoft.com/webservices/vzl/4.0.0/relocator";

    @TempDir
    Path dir;
    private final Secret password = Secret.of("pw-" + UUID.randomUUID());
    private final String container = UUID.randomUUID().toString();
    private final Vertx vertx = Vertx.vertx();
    private final SimulatedAgents agents = new SimulatedAgents(new Credentials(USER, Optional.of(password.reveal())),
            Duration.ZERO);
    /** Requests for the external entity's URL: none, if no entity is resolved. */
    private final AtomicInteger entityFetches = new AtomicInteger();
    /** The operation whose answer is replaced ({@code migrate_v2v}, {@code get_info}, {@code login}), and by what. */
    private volatile String hostileOperation = "migrate_v2v";
    private volatile Answer hostile;
    private HttpServer server;
    private WorkerAgentClients clients;

    /** How the hostile server answers the chosen operation. */
    private interface Answer {
        void send(HttpServerResponse response);
    }

    @BeforeEach
    void start() throws Exception {
        agents.placeContainer("hn-01", container);
        Router router = Router.router(vertx);
        router.get("/entity").handler(ctx -> {
            entityFetches.incrementAndGet();
            ctx.response().end("EXPANDED-FROM-URL");
        });
        router.post().handler(BodyHandler.create(false)).handler(this::hostileOrNext);
        SimulatorRoutes.mount(router, agents, 112, Optional.empty());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<String, RelocatorConfig.Node> nodes = Map.of("hn-01", node("hn-01"), "hn-02", node("hn-02"));
        clients = new WorkerAgentClients(vertx, TestConfig.agent()
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(30)).withMaxAnswerSize(CAP), nodes);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHugeChunkedAnswerIsDroppedAtTheCapAndInDoubt() {
        hostile = response -> {
            response.setChunked(true).putHeader("Content-Type", "text/xml; charset=UTF-8");
            response.write("<soap:Envelope xmlns:soap=\"" + ENVELOPE_NS + "\"><soap:Body><r:migrate_v2vResponse xmlns:r=\""
                    + RELOCATOR_NS + "\"><r:note>");
            Buffer chunk = Buffer.buffer("x".repeat(16 * 1024));
            for (int i = 0; i < 128; i++) { // 2 MB, far past the cap
                response.write(chunk);
            }
            response.end("</r:note></r:migrate_v2vResponse></soap:Body></soap:Envelope>");
        };
        MigrationError error = inDoubt(migrate());
        assertTrue(error.message().contains("larger than " + CAP), error.message());
    }

    @Test
    void aHugeAnswerWithItsLengthIsDroppedAndInDoubt() {
        hostile = response -> response.putHeader("Content-Type", "text/xml; charset=UTF-8")
                .end(migrateAnswer("<r:note>" + "y".repeat((int) CAP * 4) + "</r:note>"));
        MigrationError error = inDoubt(migrate());
        assertTrue(error.message().contains("larger than " + CAP), error.message());
    }

    @Test
    void anExternalEntityOnAFileIsNotRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "FILE-CONTENT-" + UUID.randomUUID());
        String body = "<?xml version=\"1.0\"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM \"" + secret.toUri()
                + "\">]>" + migrateAnswer("<r:note>&x;</r:note>");
        hostile = xml(body);
        MigrationError error = inDoubt(migrate());
        assertFalse(error.message().contains("FILE-CONTENT"), error.message());
    }

    @Test
    void anExternalEntityOnAUrlIsNotFetched() {
        String body = "<?xml version=\"1.0\"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM \"http://127.0.0.1:"
                + server.actualPort() + "/entity\">]>" + migrateAnswer("<r:note>&x;</r:note>");
        hostile = xml(body);
        MigrationError error = inDoubt(migrate());
        assertFalse(error.message().contains("EXPANDED"), error.message());
        assertEquals(0, entityFetches.get(), "the entity's URL was never asked for");
    }

    @Test
    void aBillionLaughsIsNotExpanded() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE soap:Envelope [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        hostile = xml("<?xml version=\"1.0\"?>" + dtd + migrateAnswer("<r:note>&lol9;</r:note>"));
        MigrationError error = inDoubt(migrate());
        assertFalse(error.message().contains("lollol"), error.message());
    }

    @Test
    void aFaultWithADoctypeIsNotAnAgentsAnswer() {
        hostile = response -> response.setStatusCode(500).putHeader("Content-Type", "text/xml; charset=UTF-8")
                .end("<?xml version=\"1.0\"?><!DOCTYPE soap:Envelope [<!ENTITY x \"refused\">]><soap:Envelope xmlns:soap=\""
                        + ENVELOPE_NS + "\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>"
                        + "<faultstring>&x;</faultstring></soap:Fault></soap:Body></soap:Envelope>");
        inDoubt(migrate());
    }

    @Test
    void anAnswerInTheWrongNamespaceIsInDoubt() {
        hostile = xml("<soap:Envelope xmlns:soap=\"" + ENVELOPE_NS + "\"><soap:Body>"
                + "<r:migrate_v2vResponse xmlns:r=\"urn:not-the-agent\"/></soap:Body></soap:Envelope>");
        inDoubt(migrate());
    }

    @Test
    void anEnvelopeInTheWrongNamespaceIsInDoubt() {
        hostile = xml("<soap:Envelope xmlns:soap=\"urn:not-soap\"><soap:Body><r:migrate_v2vResponse xmlns:r=\""
                + RELOCATOR_NS + "\"/></soap:Body></soap:Envelope>");
        inDoubt(migrate());
    }

    @Test
    void garbageIsInDoubt() {
        hostile = xml("\u0000\u00ffnot xml at all <<<&&&");
        inDoubt(migrate());
    }

    @Test
    void anEmptyAnswerIsInDoubt() {
        hostile = xml("");
        inDoubt(migrate());
    }

    @Test
    void aHostileLoginAnswerIsAPlainFailure() {
        hostileOperation = "login";
        hostile = xml("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY x \"x\">]><x>&x;</x>");
        AgentOutcome outcome = migrate();

        assertFalse(outcome.isCompleted());
        // no session, so the migration was never sent: safe to try again
        assertEquals(ErrorCode.UNREACHABLE, outcome.error().code(), outcome.error().toString());
    }

    @Test
    void aHugeGetInfoAnswerIsAPlainFailure() {
        hostileOperation = "get_info";
        hostile = response -> response.putHeader("Content-Type", "text/xml; charset=UTF-8")
                .end("<soap:Envelope xmlns:soap=\"" + ENVELOPE_NS + "\"><soap:Body>" + "z".repeat((int) CAP * 2)
                        + "</soap:Body></soap:Envelope>");
        ContainerPresence presence = clients.agent.locate("hn-01", container).await().atMost(Duration.ofSeconds(60));

        assertFalse(presence.present());
        assertNotNull(presence.error());
        assertTrue(presence.error().message().contains("larger than " + CAP), presence.error().message());
    }

    private static MigrationError inDoubt(AgentOutcome outcome) {
        assertFalse(outcome.isCompleted(), "a hostile answer is never a completed migration");
        assertEquals(ErrorCode.IN_DOUBT, outcome.error().code(), outcome.error().toString());
        assertFalse(outcome.error().retryable());
        return outcome.error();
    }

    private void hostileOrNext(RoutingContext ctx) {
        String body = ctx.body().asString();
        if (hostile != null && body != null && operation(body).equals(hostileOperation)) {
            hostile.send(ctx.response());
        } else {
            ctx.next();
        }
    }

    /** A migration's body names dst/login too: the operation is the first of these its body holds. */
    private static String operation(String body) {
        return body.contains("migrate_v2v") ? "migrate_v2v" : body.contains("get_info") ? "get_info" : "login";
    }

    private static Answer xml(String body) {
        return response -> response.putHeader("Content-Type", "text/xml; charset=UTF-8")
                .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String migrateAnswer(String inside) {
        return "<soap:Envelope xmlns:soap=\"" + ENVELOPE_NS + "\"><soap:Body><r:migrate_v2vResponse xmlns:r=\""
                + RELOCATOR_NS + "\">" + inside + "</r:migrate_v2vResponse></soap:Body></soap:Envelope>";
    }

    private AgentOutcome migrate() {
        return clients.agent.migrate(new MigrationCall(container, "hn-01", "hn-02", 0, MigrationOptions.NONE,
                UUID.randomUUID().toString()))
                .await().atMost(Duration.ofSeconds(60));
    }

    private TestConfig.Node node(String id) {
        return TestConfig.node("http://127.0.0.1:" + server.actualPort() + "/simulator/agents/" + id,
                id + ".sim.invalid").withCredentials(USER, password);
    }
}
