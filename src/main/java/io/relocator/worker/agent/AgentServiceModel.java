package io.relocator.worker.agent;

import java.util.List;

import javax.xml.namespace.QName;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.endpoint.EndpointException;
import org.apache.cxf.feature.Feature;
import org.apache.cxf.jaxws.support.JaxWsEndpointImpl;
import org.apache.cxf.jaxws.support.JaxWsServiceFactoryBean;
import org.apache.cxf.service.Service;
import org.apache.cxf.service.model.EndpointInfo;
import org.apache.cxf.transport.http.HTTPConduitFactory;

import io.quarkiverse.cxf.QuarkusClientFactoryBean;
import io.relocator.worker.agent.soap.port.AgentPortType;

/**
 * The one CXF service model of the Agent port type (its operations, the JAXB binding and the schemas CXF derives from
 * the generated classes), built once and shared by every node's client; only a node's {@link #endpoint endpoint}
 * is its own. CXF's client factory beans build a new model for every client they create (their
 * {@code create()} starts with {@code serviceFactory.reset()}), which cost ~100 KB of live heap per node.
 *
 * <p>Built by {@link AgentClientBuilder} at start-up; {@link #endpoint} may be called from any thread.
 */
final class AgentServiceModel {

    static final QName SERVICE = new QName(AgentClientBuilder.WSDL_NAMESPACE, "AgentService");
    static final QName PORT = new QName(AgentClientBuilder.WSDL_NAMESPACE, "AgentPort");
    /** The model's own endpoint only carries the binding the node endpoints copy; nothing is ever sent to it. */
    private static final String MODEL_ADDRESS = "http://agent-model.invalid/";

    private final JaxWsServiceFactoryBean serviceFactory;
    private final Service service;
    private final EndpointInfo model;

    private AgentServiceModel(JaxWsServiceFactoryBean serviceFactory, EndpointInfo model) {
        this.serviceFactory = serviceFactory;
        this.service = serviceFactory.getService();
        this.model = model;
    }

    /** Builds the model the way Quarkus CXF builds a client's, once; runs on the calling thread. */
    static AgentServiceModel build(Bus bus) {
        QuarkusClientFactoryBean factory = new QuarkusClientFactoryBean(AgentPortType.class);
        factory.setBus(bus);
        factory.setServiceClass(AgentPortType.class);
        factory.setServiceName(SERVICE);
        factory.setEndpointName(PORT);
        factory.setAddress(MODEL_ADDRESS);
        EndpointInfo model = factory.create().getEndpoint().getEndpointInfo();
        return new AgentServiceModel((JaxWsServiceFactoryBean) factory.getServiceFactory(), model);
    }

    /**
     * A node's endpoint over the shared model: its own address and conduit factory (so its own conduit, pool and
     * timeouts) and its own interceptor lists, the operations and schemas those of the model. Not added to the
     * shared {@link Service}, so the model does not grow with the fleet. Runs on the calling thread; synchronized
     * because the service factory it goes through is one object.
     */
    synchronized Endpoint endpoint(String address, HTTPConduitFactory conduits, List<Feature> features) {
        EndpointInfo info = new EndpointInfo(model.getService(), model.getTransportId());
        info.setName(model.getName());
        info.setBinding(model.getBinding());
        info.setAddress(address);
        info.setProperty(HTTPConduitFactory.class.getName(), conduits);
        try {
            JaxWsEndpointImpl endpoint = (JaxWsEndpointImpl) serviceFactory.createEndpoint(info);
            endpoint.initializeActiveFeatures(features);
            return endpoint;
        } catch (EndpointException e) {
            throw new IllegalStateException("Cannot create the Agent endpoint of " + address, e);
        }
    }

    /** The model every endpoint shares (for tests: one, however many nodes). */
    Service service() {
        return service;
    }
}
