package io.relocator.worker.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.relocator.worker.agent.AgentClientBuilder.NodeClient;
import io.relocator.worker.config.RelocatorConfig;

/** One client per inventory node, all built at start-up, in parallel. */
public final class AgentClients implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AgentClients.class);

    private final Map<String, NodeClient> byNode;

    private AgentClients(Map<String, NodeClient> byNode) {
        this.byNode = byNode;
    }

    public static AgentClients build(AgentClientBuilder builder, Map<String, RelocatorConfig.Node> nodes) {
        builder.tls().warnIfTrustAll();
        long started = System.nanoTime();
        ExecutorService executor = Executors.newFixedThreadPool(threads(nodes.size()), contextThreads());
        try {
            List<CompletableFuture<NodeClient>> builds = nodes.entrySet().stream()
                    .map(e -> CompletableFuture.supplyAsync(() -> builder.build(e.getKey(), e.getValue()), executor))
                    .toList();
            Map<String, NodeClient> clients = builds.stream().map(CompletableFuture::join)
                    .collect(Collectors.toUnmodifiableMap(NodeClient::nodeId, Function.identity()));
            LOG.infof("Built %d Agent clients in %d ms", clients.size(), (System.nanoTime() - started) / 1_000_000);
            return new AgentClients(clients);
        } finally {
            executor.shutdown();
        }
    }

    NodeClient client(String nodeId) {
        return byNode.get(nodeId);
    }

    Map<String, NodeClient> all() {
        return byNode;
    }

    @Override
    public void close() {
        byNode.values().forEach(client -> client.pool().close());
    }

    private static int threads(int nodes) {
        return Math.max(1, Math.min(nodes, Runtime.getRuntime().availableProcessors()));
    }

    /** Threads that see the application's classes (JAXB looks them up through the context class loader). */
    private static java.util.concurrent.ThreadFactory contextThreads() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return task -> {
            Thread thread = new Thread(task, "agent-client-builder");
            thread.setContextClassLoader(loader);
            thread.setDaemon(true);
            return thread;
        };
    }
}
