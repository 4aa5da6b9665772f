package io.relocator.worker.agent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A tiny HTTP server on 127.0.0.1 answering canned SOAP envelopes, for the client tests (not a simulator). The test
 * says how to answer each body; the server counts migrations in progress and records every body it got.
 */
final class CannedAgent implements AutoCloseable {

    static final String ENVELOPE = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>%s"
            + "</soap:Body></soap:Envelope>";

    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger inProgress = new AtomicInteger();
    final AtomicInteger maxInProgress = new AtomicInteger();
    private final HttpServer server;
    volatile boolean refuseLogins;
    private volatile Function<String, Consumer<HttpServerRequest>> migrations = body -> CannedAgent::migrated;

    CannedAgent(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** How to answer a migrate_v2v (or get_info) body. */
    void answerMigrations(Function<String, Consumer<HttpServerRequest>> answer) {
        this.migrations = answer;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            String body = buffer.toString();
            bodies.add(body);
            if (body.contains(":login") || body.contains("<login")) {
                int n = logins.incrementAndGet();
                if (refuseLogins) {
                    agentError(request, 403, "bad credentials");
                    return;
                }
                reply(request, 200, "<loginResponse xmlns=\"http://www.swsoft.com/webservices/vzl/4.0.0/sessionm\">"
                        + "<session_id>session-" + n + "</session_id><token><user>AAAA</user></token></loginResponse>");
                return;
            }
            maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
            migrations.apply(body).accept(request);
        });
    }

    void done() {
        inProgress.decrementAndGet();
    }

    static void migrated(HttpServerRequest request) {
        reply(request, 200, "<migrate_v2vResponse xmlns=\"http://www.swsoft.com/webservices/vzl/4.0.0/relocator\"/>");
    }

    static void agentError(HttpServerRequest request, int code, String message) {
        reply(request, 500, "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>agent error</faultstring>"
                + "<detail><error xmlns=\"http://www.swsoft.com/webservices/vzl/4.0.0/protocol\"><code>" + code
                + "</code><message>" + message + "</message></error></detail></soap:Fault>");
    }

    static void faultWithoutDetail(HttpServerRequest request, String faultString) {
        reply(request, 500, "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>" + faultString
                + "</faultstring></soap:Fault>");
    }

    static void reply(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "text/xml; charset=UTF-8")
                .end(ENVELOPE.formatted(body));
    }

    @Override
    public void close() {
        server.close();
    }
}
