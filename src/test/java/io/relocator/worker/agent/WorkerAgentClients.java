package io.relocator.worker.agent;

import java.util.Map;

import org.apache.cxf.BusFactory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relocator.worker.config.RelocatorConfig;
import io.vertx.core.Vertx;

/**
 * The worker's own {@link SoapAgent} for a few test nodes, its clients built by {@link AgentClientBuilder} and
 * {@link AgentClients} exactly as the application builds them, with the settings of one test case. Needs a running
 * application (a @QuarkusTest): Quarkus CXF's async conduit hands every answer to the application's managed executor.
 */
final class WorkerAgentClients implements AutoCloseable {

    final SoapAgent agent;
    private final AgentClients clients;

    WorkerAgentClients(Vertx vertx, RelocatorConfig.Agent settings, Map<String, RelocatorConfig.Node> nodes) {
        clients = AgentClients.build(new AgentClientBuilder(vertx, BusFactory.getDefaultBus(), settings, 4,
                key -> null, 30_000), nodes);
        agent = new SoapAgent(settings, nodes, new SimpleMeterRegistry(), clients);
    }

    @Override
    public void close() {
        clients.close();
    }
}
