package io.relocator.worker.agent;

import java.io.IOException;
import java.util.List;

import javax.xml.namespace.QName;

import org.apache.cxf.Bus;
import org.apache.cxf.BusException;
import org.apache.cxf.endpoint.EndpointException;
import org.apache.cxf.feature.Feature;
import org.apache.cxf.jaxws.support.JaxWsEndpointImpl;
import org.apache.cxf.jaxws.support.JaxWsServiceFactoryBean;
import org.apache.cxf.service.Service;
import org.apache.cxf.service.model.EndpointInfo;
import org.apache.cxf.transport.Conduit;
import org.apache.cxf.transport.ConduitInitiatorManager;
import org.apache.cxf.transport.http.HTTPConduitFactory;

import io.quarkiverse.cxf.QuarkusClientFactoryBean;
import io.relocator.worker.agent.soap.port.AgentPortType;

/**
 * The one CXF service model and endpoint of the Agent port type (its operations, the JAXB binding, the schemas CXF
 * derives from the generated classes, and the endpoint's and binding's interceptors), built once and shared by every
 * node's client; a node's own part is only its {@link #conduit conduit} (address, pool, timeouts, TLS) and the client
 * around it. CXF's client factory beans build a new model for every client they create (their {@code create()} starts
 * with {@code serviceFactory.reset()}), and a new endpoint with some 45 interceptor instances for each: together about
 * 100 KB of live heap per node before this class.
 *
 * <p>Built by {@link AgentClientBuilder} at start-up; {@link #conduit} may be called from any thread.
 */
final class AgentServiceModel {

    static final QName SERVICE = new QName(AgentClientBuilder.WSDL_NAMESPACE, "AgentService");
    static final QName PORT = new QName(AgentClientBuilder.WSDL_NAMESPACE, "AgentPort");
    /**
     * The shared endpoint's own address; nothing is ever sent to it: each node's client sends to its conduit's address
     * (the request context names it too, see {@link AgentClientBuilder}).
     */
    static final String MODEL_ADDRESS = "http://agent-model.invalid/";

    private final Bus bus;
    private final Service service;
    private final EndpointInfo model;
    private final JaxWsEndpointImpl endpoint;

    private AgentServiceModel(Bus bus, EndpointInfo model, JaxWsEndpointImpl endpoint) {
        this.bus = bus;
        this.service = endpoint.getService();
        this.model = model;
        this.endpoint = endpoint;
    }

    /**
     * Builds the model the way Quarkus CXF builds a client's, once, and the one endpoint over it with the clients'
     * features; runs on the calling thread.
     */
    static AgentServiceModel build(Bus bus, List<Feature> features) {
        QuarkusClientFactoryBean factory = new QuarkusClientFactoryBean(AgentPortType.class);
        factory.setBus(bus);
        factory.setServiceClass(AgentPortType.class);
        factory.setServiceName(SERVICE);
        factory.setEndpointName(PORT);
        factory.setAddress(MODEL_ADDRESS);
        EndpointInfo model = factory.create().getEndpoint().getEndpointInfo();
        JaxWsServiceFactoryBean serviceFactory = (JaxWsServiceFactoryBean) factory.getServiceFactory();
        try {
            JaxWsEndpointImpl endpoint = (JaxWsEndpointImpl) serviceFactory.createEndpoint(copy(model, MODEL_ADDRESS));
            // Agents answer with more than the worker reads (tokens, env details): skip unknown elements.
            endpoint.put("set-jaxb-validation-event-handler", Boolean.FALSE);
            endpoint.initializeActiveFeatures(features);
            return new AgentServiceModel(bus, model, endpoint);
        } catch (EndpointException e) {
            throw new IllegalStateException("Cannot create the shared Agent endpoint", e);
        }
    }

    /** The endpoint every node's client shares. */
    JaxWsEndpointImpl endpoint() {
        return endpoint;
    }

    /**
     * A node's conduit, made by its own conduit factory (so its own pool and timeouts) through the transport CXF
     * uses for the model (so configured and finalized as any client's), for the node's address. Runs on the calling
     * thread.
     */
    Conduit conduit(String address, HTTPConduitFactory conduits) {
        EndpointInfo info = copy(model, address);
        info.setProperty(HTTPConduitFactory.class.getName(), conduits);
        try {
            return bus.getExtension(ConduitInitiatorManager.class).getConduitInitiator(info.getTransportId())
                    .getConduit(info, bus);
        } catch (BusException | IOException e) {
            throw new IllegalStateException("Cannot create the Agent conduit of " + address, e);
        }
    }

    /** The model every client shares (for tests: one, however many nodes). */
    Service service() {
        return service;
    }

    /** An endpoint description of the model's binding at an address, not added to the shared {@link Service}. */
    private static EndpointInfo copy(EndpointInfo model, String address) {
        EndpointInfo info = new EndpointInfo(model.getService(), model.getTransportId());
        info.setName(model.getName());
        info.setBinding(model.getBinding());
        info.setAddress(address);
        return info;
    }
}
