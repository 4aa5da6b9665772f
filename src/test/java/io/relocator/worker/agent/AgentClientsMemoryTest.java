package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.frontend.ClientProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.relocator.worker.config.RelocatorConfig;
import io.vertx.core.Vertx;

/**
 * What one more node costs in memory: the live set (full GC, class histogram) after building 1,000 node clients, next
 * to the one after building 10. The Agents need not listen: building a client makes no call. Not a @QuarkusTest
 * because the clients are built the same way without CDI, and a Quarkus app would add its own noise to the live set.
 */
class AgentClientsMemoryTest {

    /** The per-node target of issue 12. */
    private static final long MAX_BYTES_PER_NODE = 20 * 1024;
    private static final int NODES = 1_000;
    private static final int FEW = 10;

    private final Vertx vertx = Vertx.vertx();
    private final Bus bus = BusFactory.newInstance().createBus();

    @AfterEach
    void stop() throws Exception {
        bus.shutdown(true);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aThousandNodeClientsAddLessThanTheTargetPerNode() {
        AgentClientBuilder builder = new AgentClientBuilder(vertx, bus, TestConfig.agent(), 2, key -> null, 0);
        Map<String, RelocatorConfig.Node> few = nodes(0, FEW);
        Map<String, RelocatorConfig.Node> many = nodes(FEW, NODES);

        AgentClients fewClients = AgentClients.build(builder, few);
        long withFew = LiveHeap.bytes();
        AgentClients manyClients = AgentClients.build(builder, many);
        long withMany = LiveHeap.bytes();

        assertEquals(NODES, manyClients.all().size());
        manyClients.all().values().forEach(client -> assertSame(builder.model().service(),
                ClientProxy.getClient(client.port()).getEndpoint().getService(), "one service model for all nodes"));
        long perNode = (withMany - withFew) / NODES;
        System.out.printf("Live set: %d KB with %d node clients, %d KB with %d more: %d bytes per node%n",
                withFew / 1024, FEW, withMany / 1024, NODES, perNode);
        assertTrue(perNode < MAX_BYTES_PER_NODE, perNode + " bytes per node client, target under " + MAX_BYTES_PER_NODE);
        Reference.reachabilityFence(fewClients);
        manyClients.close();
        fewClients.close();
    }

    private static Map<String, RelocatorConfig.Node> nodes(int from, int count) {
        Map<String, RelocatorConfig.Node> nodes = new LinkedHashMap<>();
        for (int i = from; i < from + count; i++) {
            // 127.0.0.1 ports nobody listens on: no call is made
            nodes.put(String.format("hn-%05d", i), TestConfig.node("http://127.0.0.1:" + (20_000 + i) + "/",
                    String.format("hn-%05d.sim.invalid", i)));
        }
        return nodes;
    }
}
