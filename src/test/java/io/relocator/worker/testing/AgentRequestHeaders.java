package io.relocator.worker.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.RoutingContext;

/**
 * The {@code traceparent} headers the simulated Agents were sent, by node: what each HTTP request to
 * {@code /simulator/agents/<node>} carried, seen before the simulator handles it. Vert.x event loop; reads any thread.
 */
@Singleton
public class AgentRequestHeaders {

    private static final String PREFIX = "/simulator/agents/";

    private final Map<String, List<String>> traceparents = new ConcurrentHashMap<>();

    void record(@Observes io.vertx.ext.web.Router router) {
        router.route(PREFIX + "*").order(-1000).handler(this::record);
    }

    private void record(RoutingContext context) {
        String traceparent = context.request().getHeader("traceparent");
        if (traceparent != null) {
            String node = context.request().path().substring(PREFIX.length());
            traceparents.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>()).add(traceparent);
        }
        context.next();
    }

    /** Every {@code traceparent} the Agent of {@code node} received, oldest first. */
    public List<String> traceparents(String node) {
        return List.copyOf(traceparents.getOrDefault(node, List.of()));
    }
}
