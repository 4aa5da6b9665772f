package io.relocator.worker.agent;

import jakarta.enterprise.inject.Vetoed;

import io.quarkiverse.cxf.CXFClientInfo;
import io.quarkiverse.cxf.vertx.http.client.HttpClientPool;
import io.quarkus.tls.TlsConfiguration;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/**
 * The Vert.x HTTP client of one node's Agent, handed to that node's {@code VertxHttpClientHTTPConduit}. Quarkus CXF's
 * own {@link HttpClientPool} sizes a client's connection pool from {@code quarkus.cxf.client."name".vertx.*}, keys that
 * exist only for clients named at build time; node names come from runtime config, so each node gets this pool
 * instead, holding one client built with the node's own pool size, TLS options and TCP keep-alive.
 */
@Vetoed
final class NodeHttpClientPool extends HttpClientPool {

    private final HttpClient client;

    /** @param onConnect runs on each new connection's event loop (TCP keep-alive timing) */
    NodeHttpClientPool(Vertx vertx, HttpClientOptions options, PoolOptions pool, Handler<HttpConnection> onConnect) {
        super(vertx);
        this.client = vertx.httpClientBuilder().with(options).with(pool).withConnectHandler(onConnect).build();
    }

    @Override
    public HttpClient getClient(CXFClientInfo clientInfo, HttpVersion version, TlsConfiguration tlsConfiguration) {
        return client;
    }

    void close() {
        client.close();
    }
}
