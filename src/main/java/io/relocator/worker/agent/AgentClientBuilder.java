package io.relocator.worker.agent;

import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.xml.ws.BindingProvider;

import org.apache.cxf.Bus;
import org.apache.cxf.common.util.ProxyHelper;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.ClientImpl;
import org.apache.cxf.feature.Feature;
import org.apache.cxf.feature.StaxTransformFeature;
import org.apache.cxf.jaxws.JaxWsClientProxy;
import org.apache.cxf.jaxws.support.JaxWsEndpointImpl;

import io.quarkiverse.cxf.CXFClientInfo;
import io.quarkiverse.cxf.QuarkusJaxWsProxyFactoryBean.QuarkusJaxWsClientProxy;
import io.relocator.worker.agent.soap.port.AgentPortType;
import io.relocator.worker.config.RelocatorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.tracing.TracingPolicy;

/**
 * Builds the CXF client proxy of one node's Agent over the one {@link AgentServiceModel} all nodes share, with what is
 * the node's own: its endpoint URL, its connect and receive timeouts (the node's
 * override, else {@code relocator.agent.*}), the Vert.x conduit with an HTTP/1 pool of
 * {@code max-outgoing (else per-source-node) + }{@value #POOL_MARGIN} connections, TCP keep-alive
 * ({@link TcpKeepAlive}), TLS for https URLs, and a cap on the size of an answer ({@link AnswerSizeLimit}).
 */
public final class AgentClientBuilder {

    /** Connections beyond the migrations a node may run at once: one login and one get_info. */
    public static final int POOL_MARGIN = 2;

    static final String WSDL_NAMESPACE = "urn:relocator-worker:agent";
    static final String DEFAULT_HEADER_NAMESPACE = "http://www.swsoft.com/webservices/vzl/4.0.0/soap_protocol";
    /** What Quarkus CXF's proxies implement: the port type, and the JAX-WS and CXF client views of it. */
    private static final Class<?>[] PROXY_INTERFACES = {AgentPortType.class, BindingProvider.class, Closeable.class,
            Client.class};

    private final Vertx vertx;
    private final Bus bus;
    private final RelocatorConfig.Agent settings;
    private final int perSourceNode;
    private final Function<String, CXFClientInfo> clientInfos;
    private final long workerDispatchTimeoutMs;
    private final AgentTls tls;
    private final TcpKeepAlive keepAlive;
    private final List<Feature> features;
    private final AgentServiceModel model;
    /** One for every client: it keeps no state of a call's but the limit. */
    private final AnswerSizeLimit sizeLimit;
    private final TraceHeaders traceHeaders = new TraceHeaders();

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
        this.vertx = vertx;
        this.bus = bus;
        this.settings = settings;
        this.perSourceNode = perSourceNode;
        this.clientInfos = clientInfos;
        this.workerDispatchTimeoutMs = workerDispatchTimeoutMs;
        this.tls = new AgentTls(settings);
        this.keepAlive = new TcpKeepAlive(settings.tcpKeepAliveIdle(), settings.tcpKeepAliveInterval());
        this.features = features(settings, logging, scrubber);
        this.model = AgentServiceModel.build(bus, features);
        this.sizeLimit = new AnswerSizeLimit(settings.maxAnswerSize().asLongValue());
    }

    AgentTls tls() {
        return tls;
    }

    TcpKeepAlive keepAlive() {
        return keepAlive;
    }

    /** The service model all the clients share. */
    AgentServiceModel model() {
        return model;
    }

    /** Builds one node's client; runs on the calling thread, any thread. */
    NodeClient build(String nodeId, RelocatorConfig.Node node) {
        int poolSize = poolSize(node);
        NodeHttpClientPool pool = new NodeHttpClientPool(vertx, httpOptions(node), poolOptions(poolSize), keepAlive);
        NodeConduitFactory conduits = new NodeConduitFactory(clientInfos.apply("relocator-agent-" + nodeId), pool,
                connectTimeout(node), receiveTimeout(node));
        AgentPortType port = proxy(node.agentUrl(), conduits);
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
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout(node).toMillis()))
                // the trace context is sent by TraceHeaders: no span nor header of the HTTP client's own
                .setTracingPolicy(TracingPolicy.IGNORE));
        if ("https".equalsIgnoreCase(URI.create(node.agentUrl()).getScheme())) {
            tls.applyTo(options);
        }
        return options;
    }

    private static PoolOptions poolOptions(int poolSize) {
        return new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1);
    }

    /**
     * The node's JAX-WS proxy, assembled as Quarkus CXF's {@code QuarkusJaxWsProxyFactoryBean} assembles one (so the
     * async callback methods dispatch the same way), but over the shared {@link AgentServiceModel} endpoint with the
     * node's own conduit instead of an endpoint and a service model of its own.
     */
    private AgentPortType proxy(String url, NodeConduitFactory conduits) {
        JaxWsEndpointImpl endpoint = model.endpoint();
        ClientImpl client = new NodeCxfClient(bus, endpoint, model.conduit(url, conduits));
        client.getInInterceptors().add(sizeLimit);
        client.getInFaultInterceptors().add(sizeLimit);
        client.getOutInterceptors().add(traceHeaders);
        features.forEach(feature -> feature.initialize(client, bus));
        JaxWsClientProxy jaxws = new JaxWsClientProxy(client, endpoint.getJaxwsBinding());
        // The proxy names the shared endpoint's address in its request context: name the node's instead.
        jaxws.getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, url);
        return (AgentPortType) ProxyHelper.getProxy(AgentPortType.class.getClassLoader(), PROXY_INTERFACES,
                new QuarkusJaxWsClientProxy(vertx, jaxws, workerDispatchTimeoutMs));
    }

    private static List<Feature> features(RelocatorConfig.Agent settings, PayloadLogging logging,
            SecretScrubber scrubber) {
        List<Feature> features = new ArrayList<>();
        logging.feature(scrubber).ifPresent(features::add);
        if (!DEFAULT_HEADER_NAMESPACE.equals(settings.headerNamespace())) {
            features.add(headerNamespaceRewrite(settings.headerNamespace()));
        }
        return List.copyOf(features);
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
