package io.relocator.worker.agent;

import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.xml.namespace.QName;

import jakarta.xml.ws.BindingProvider;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.feature.StaxTransformFeature;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.HTTPConduitFactory;

import io.quarkiverse.cxf.CXFClientInfo;
import io.quarkiverse.cxf.QuarkusClientFactoryBean;
import io.quarkiverse.cxf.QuarkusJaxWsProxyFactoryBean;
import io.relocator.worker.agent.soap.port.AgentPortType;
import io.relocator.worker.config.RelocatorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/**
 * Builds the CXF client proxy of one node's Agent: its endpoint URL, its connect and receive timeouts (the node's
 * override, else {@code relocator.agent.*}), the Vert.x conduit with an HTTP/1 pool of
 * {@code max-outgoing (else per-source-node) + }{@value #POOL_MARGIN} connections, TCP keep-alive
 * ({@link TcpKeepAlive}), TLS for https URLs, and a cap on the size of an answer ({@link AnswerSizeLimit}).
 */
public final class AgentClientBuilder {

    /** Connections beyond the migrations a node may run at once: one login and one get_info. */
    public static final int POOL_MARGIN = 2;

    static final String WSDL_NAMESPACE = "urn:relocator-worker:agent";
    static final String DEFAULT_HEADER_NAMESPACE = "http://www.swsoft.com/webservices/vzl/4.0.0/soap_protocol";

    private final Vertx vertx;
    private final Bus bus;
    private final RelocatorConfig.Agent settings;
    private final int perSourceNode;
    private final Function<String, CXFClientInfo> clientInfos;
    private final long workerDispatchTimeoutMs;
    private final AgentTls tls;
    private final PayloadLogging logging;
    private final TcpKeepAlive keepAlive;
    private final SecretScrubber scrubber;

    /**
     * @param clientInfos the Quarkus CXF client info of a client key ({@code relocator-agent-<node>}); the Vert.x
     *        conduit only reads it to name the client in errors about redirects, which these clients never follow
     */
    public AgentClientBuilder(Vertx vertx, Bus bus, RelocatorConfig.Agent settings, int perSourceNode,
            Function<String, CXFClientInfo> clientInfos, long workerDispatchTimeoutMs) {
        this(vertx, bus, settings, perSourceNode, clientInfos, workerDispatchTimeoutMs, PayloadLogging.off(),
                SecretScrubber.of(List.of()));
    }

    /**
     * @param logging CXF payload logging, when turned on ({@code quarkus.cxf.logging.*})
     * @param scrubber hides the known passwords in what that logging writes
     */
    AgentClientBuilder(Vertx vertx, Bus bus, RelocatorConfig.Agent settings, int perSourceNode,
            Function<String, CXFClientInfo> clientInfos, long workerDispatchTimeoutMs, PayloadLogging logging,
            SecretScrubber scrubber) {
        this.logging = logging;
        this.scrubber = scrubber;
        this.vertx = vertx;
        this.bus = bus;
        this.settings = settings;
        this.perSourceNode = perSourceNode;
        this.clientInfos = clientInfos;
        this.workerDispatchTimeoutMs = workerDispatchTimeoutMs;
        this.tls = new AgentTls(settings);
        this.keepAlive = new TcpKeepAlive(settings.tcpKeepAliveIdle(), settings.tcpKeepAliveInterval());
    }

    AgentTls tls() {
        return tls;
    }

    TcpKeepAlive keepAlive() {
        return keepAlive;
    }

    NodeClient build(String nodeId, RelocatorConfig.Node node) {
        int poolSize = poolSize(node);
        NodeHttpClientPool pool = new NodeHttpClientPool(vertx, httpOptions(node), poolOptions(poolSize), keepAlive);
        NodeConduitFactory conduits = new NodeConduitFactory(clientInfos.apply("relocator-agent-" + nodeId), pool,
                connectTimeout(node), receiveTimeout(node));
        AgentPortType port = proxy(node.agentUrl(), conduits);
        ClientProxy.getClient(port).getConduit(); // creates the conduit now, not on the first call
        return new NodeClient(nodeId, port, pool, poolSize);
    }

    int poolSize(RelocatorConfig.Node node) {
        return node.maxOutgoing().orElse(perSourceNode) + POOL_MARGIN;
    }

    Duration connectTimeout(RelocatorConfig.Node node) {
        return node.connectTimeout().orElse(settings.connectTimeout());
    }

    Duration receiveTimeout(RelocatorConfig.Node node) {
        return node.receiveTimeout().orElse(settings.receiveTimeout());
    }

    HttpClientOptions httpOptions(RelocatorConfig.Node node) {
        HttpClientOptions options = keepAlive.applyTo(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout(node).toMillis())));
        if ("https".equalsIgnoreCase(URI.create(node.agentUrl()).getScheme())) {
            tls.applyTo(options);
        }
        return options;
    }

    private static PoolOptions poolOptions(int poolSize) {
        return new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1);
    }

    private AgentPortType proxy(String url, NodeConduitFactory conduits) {
        QuarkusJaxWsProxyFactoryBean factory = new QuarkusJaxWsProxyFactoryBean(
                new QuarkusClientFactoryBean(AgentPortType.class), vertx, workerDispatchTimeoutMs,
                BindingProvider.class, Closeable.class, Client.class);
        factory.setBus(bus);
        factory.setServiceName(new QName(WSDL_NAMESPACE, "AgentService"));
        factory.setEndpointName(new QName(WSDL_NAMESPACE, "AgentPort"));
        factory.setAddress(url);
        factory.setProperties(properties(conduits));
        AnswerSizeLimit sizeLimit = new AnswerSizeLimit(settings.maxAnswerSize().asLongValue());
        factory.getInInterceptors().add(sizeLimit);
        factory.getInFaultInterceptors().add(sizeLimit);
        logging.feature(scrubber).ifPresent(factory.getFeatures()::add);
        if (!DEFAULT_HEADER_NAMESPACE.equals(settings.headerNamespace())) {
            factory.getFeatures().add(headerNamespaceRewrite(settings.headerNamespace()));
        }
        return factory.create(AgentPortType.class);
    }

    private static Map<String, Object> properties(NodeConduitFactory conduits) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(HTTPConduitFactory.class.getName(), conduits);
        // Agents answer with more than the worker reads (tokens, env details): skip unknown elements.
        properties.put("set-jaxb-validation-event-handler", Boolean.FALSE);
        return properties;
    }

    /** Sends {@code packet_header} (and its children) in the configured namespace instead of the WSDL's. */
    static StaxTransformFeature headerNamespaceRewrite(String namespace) {
        StaxTransformFeature feature = new StaxTransformFeature();
        feature.setOutTransformElements(headerNamespaceMapping(namespace));
        return feature;
    }

    static Map<String, String> headerNamespaceMapping(String namespace) {
        return Map.of("{" + DEFAULT_HEADER_NAMESPACE + "}*", "{" + namespace + "}*");
    }

    /** One node's client and the HTTP pool behind it. */
    record NodeClient(String nodeId, AgentPortType port, NodeHttpClientPool pool, int poolSize) {
    }
}
