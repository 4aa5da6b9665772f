package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.message.Message;
import org.apache.cxf.transport.http.HTTPConduit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.relocator.worker.config.RelocatorConfig;
import io.vertx.core.Vertx;

/**
 * Node clients over the one shared service model and endpoint keep what is their own: address, conduit and timeouts, with the
 * operations (async and header forms included) those of the one model. Calls through these clients are covered by
 * the flow tests (MigrationFlowTest, AgentFailureFlowTest): the Vert.x conduit needs the Quarkus container to send.
 */
class SharedServiceModelTest {

    private final Vertx vertx = Vertx.vertx();
    private final Bus bus = BusFactory.newInstance().createBus();

    @AfterEach
    void stop() throws Exception {
        bus.shutdown(true);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachNodeKeepsItsAddressConduitAndTimeoutsOverTheOneModel() {
        Map<String, RelocatorConfig.Node> nodes = new LinkedHashMap<>();
        nodes.put("hn-a", TestConfig.node("http://127.0.0.1:20001/", "hn-a1.sim.invalid"));
        nodes.put("hn-b", TestConfig.node("http://127.0.0.1:20002/agent", "hn-b1.sim.invalid")
                .withReceiveTimeout(Duration.ofSeconds(90)));
        AgentClientBuilder builder = new AgentClientBuilder(vertx, bus, TestConfig.agent(), 2, key -> null, 0);

        try (AgentClients clients = AgentClients.build(builder, nodes)) {
            Client a = ClientProxy.getClient(clients.client("hn-a").port());
            Client b = ClientProxy.getClient(clients.client("hn-b").port());

            assertSame(builder.model().service(), a.getEndpoint().getService(), "one service model");
            assertEquals(1, builder.model().service().getServiceInfos().size());
            assertSame(builder.model().endpoint(), a.getEndpoint(), "one endpoint, its interceptors built once");
            assertSame(a.getEndpoint(), b.getEndpoint(), "one endpoint, its interceptors built once");
            assertEquals(0, builder.model().service().getEndpoints().values().stream()
                    .filter(e -> e == a.getEndpoint()).count(), "the shared endpoint not added to the model");
            assertNotSame(a.getConduit(), b.getConduit());
            assertEquals("http://127.0.0.1:20001/", a.getRequestContext().get(Message.ENDPOINT_ADDRESS),
                    "each call names the node's address, not the shared endpoint's");
            assertEquals("http://127.0.0.1:20002/agent", b.getRequestContext().get(Message.ENDPOINT_ADDRESS));
            assertEquals("http://127.0.0.1:20001/", a.getConduit().getTarget().getAddress().getValue());
            assertEquals("http://127.0.0.1:20002/agent", b.getConduit().getTarget().getAddress().getValue());
            assertEquals(20_000, ((HTTPConduit) a.getConduit()).getClient().getReceiveTimeout());
            assertEquals(90_000, ((HTTPConduit) b.getConduit()).getClient().getReceiveTimeout());
            assertEquals(2_000, ((HTTPConduit) b.getConduit()).getClient().getConnectionTimeout());
            assertNotSame(clients.client("hn-a").pool(), clients.client("hn-b").pool());
            assertEquals(Boolean.FALSE, b.getEndpoint().get("set-jaxb-validation-event-handler"),
                    "unknown answer elements are skipped");
        }
    }
}
