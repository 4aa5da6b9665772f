package io.relocator.worker.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

/**
 * The node inventory by node id, as every other part of the worker sees it. Node ids are
 * {@code [a-z0-9][a-z0-9-]{0,62}}; a block given as environment variables ({@code RELOCATOR_NODES__HN_01__...})
 * reaches the config mapping as {@code hn.01}, because {@code _} in a variable name stands for {@code .}; since an
 * id never holds a dot, it is turned back into {@code hn-01} here.
 */
@Singleton
public class NodeInventory {

    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, RelocatorConfig.Node> nodes;

    public NodeInventory(RelocatorConfig config) {
        this.nodes = byNodeId(config.nodes());
    }

    public Set<String> ids() {
        return nodes.keySet();
    }

    public Optional<RelocatorConfig.Node> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    public Map<String, RelocatorConfig.Node> nodes() {
        return nodes;
    }

    static Map<String, RelocatorConfig.Node> byNodeId(Map<String, RelocatorConfig.Node> configured) {
        Map<String, RelocatorConfig.Node> byId = new TreeMap<>();
        configured.forEach((key, node) -> {
            String id = key.replace('.', '-');
            if (!NODE_ID.matcher(id).matches()) {
                throw new IllegalStateException("relocator.nodes: '" + key + "' is not a node id ([a-z0-9][a-z0-9-]{0,62})");
            }
            if (byId.put(id, node) != null) {
                throw new IllegalStateException("relocator.nodes: node " + id
                        + " is configured twice (as a property and as an environment variable?); give each node's block in one form");
            }
        });
        return Map.copyOf(byId);
    }
}
