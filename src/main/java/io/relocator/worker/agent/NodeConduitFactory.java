package io.relocator.worker.agent;

import java.io.IOException;
import java.time.Duration;

import org.apache.cxf.Bus;
import org.apache.cxf.service.model.EndpointInfo;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPConduitFactory;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.ws.addressing.EndpointReferenceType;

import io.quarkiverse.cxf.CXFClientInfo;
import io.quarkiverse.cxf.vertx.http.client.VertxHttpClientHTTPConduit;

/**
 * Gives one node's client the Vert.x conduit (no thread waits while a call is out) with that node's timeouts. The same
 * steps as Quarkus CXF's {@code QuarkusHTTPConduitFactory}, with values from the node inventory instead of
 * {@code quarkus.cxf.client."name".*}.
 */
final class NodeConduitFactory implements HTTPConduitFactory {

    private final CXFClientInfo clientInfo;
    private final NodeHttpClientPool pool;
    private final Duration connectTimeout;
    private final Duration receiveTimeout;

    NodeConduitFactory(CXFClientInfo clientInfo, NodeHttpClientPool pool, Duration connectTimeout,
            Duration receiveTimeout) {
        this.clientInfo = clientInfo;
        this.pool = pool;
        this.connectTimeout = connectTimeout;
        this.receiveTimeout = receiveTimeout;
    }

    @Override
    public HTTPConduit createConduit(HTTPTransportFactory factory, Bus bus, EndpointInfo endpoint,
            EndpointReferenceType target) throws IOException {
        VertxHttpClientHTTPConduit conduit = new VertxHttpClientHTTPConduit(clientInfo, bus, endpoint, target, pool);
        conduit.setClient(policy());
        return conduit;
    }

    private HTTPClientPolicy policy() {
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(connectTimeout.toMillis());
        policy.setReceiveTimeout(receiveTimeout.toMillis());
        policy.setAutoRedirect(false);
        policy.setMaxRetransmits(0);
        return policy;
    }
}
