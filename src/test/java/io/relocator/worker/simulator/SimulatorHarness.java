package io.relocator.worker.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The simulator on a bare Vert.x HTTP server on 127.0.0.1 and a free port, wired by {@link SimulatorRoutes#mount}
 * exactly as in the application, plus an HTTP client speaking to it. One event loop and one worker thread only: a
 * simulator that held a thread per call could not serve many slow calls at once here. The password is made at run
 * time, never committed, and so is the admin token.
 */
final class SimulatorHarness implements AutoCloseable {

    static final String USER = "root";
    static final int SESSION_INVALID = 112;

    final String password = UUID.randomUUID().toString();
    final String adminToken = UUID.randomUUID().toString();
    final SimulatedAgents agents;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SimulatorHarness(Duration latency) {
        this(latency, true);
    }

    SimulatorHarness(Duration latency, boolean withPassword) {
        this(latency, withPassword, true, SimulatorLimits.DEFAULT);
    }

    /** With the admin routes mounted (and {@link #adminToken} their token) or not, and these limits. */
    SimulatorHarness(Duration latency, boolean withPassword, boolean withAdminToken, SimulatorLimits limits) {
        agents = new SimulatedAgents(new Credentials(USER, withPassword ? Optional.of(password) : Optional.empty()),
                latency);
        agents.setLimits(limits);
        Router router = Router.router(vertx);
        SimulatorRoutes.mount(router, agents, SESSION_INVALID,
                withAdminToken ? Optional.of(adminToken) : Optional.empty());
        server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture());
    }

    /** What a test node's inventory entry would hold as {@code dst/address}: resolves nowhere, names the node. */
    static String address(String node) {
        return node + ".sim.invalid";
    }

    HttpResponse<String> soap(String node, String envelope) {
        return await(soapAsync(node, envelope));
    }

    CompletableFuture<HttpResponse<String>> soapAsync(String node, String envelope) {
        HttpRequest request = HttpRequest.newBuilder(uri("/simulator/agents/" + node))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in to the node's Agent with the right credentials and returns the session id. */
    String login(String node) {
        HttpResponse<String> response = soap(node, AgentEnvelopes.login(USER, password));
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.body());
        }
        return SoapAnswers.sessionId(response.body());
    }

    HttpResponse<String> migrate(String session, String source, String destination, String... eids) {
        return soap(source, AgentEnvelopes.migrate(session, List.of(eids), address(destination), USER, password));
    }

    List<String> containersOn(String node, String session, String... eids) {
        return SoapAnswers.envEids(soap(node, AgentEnvelopes.getInfo(session, eids)).body());
    }

    JsonObject stats() {
        return new JsonObject(admin("GET", "/stats", null).body());
    }

    /** An admin call with the right token. */
    HttpResponse<String> admin(String method, String path, String json) {
        return admin(method, path, json, Optional.of("Bearer " + adminToken));
    }

    /** An admin call with this {@code Authorization} header, or none. */
    HttpResponse<String> admin(String method, String path, String json, Optional<String> authorization) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/simulator/admin" + path))
                .header("Content-Type", "application/json").method(method, body);
        authorization.ifPresent(value -> request.header("Authorization", value));
        return await(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        await(vertx.close().toCompletionStage().toCompletableFuture());
    }
}
