package io.relocator.worker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * The node inventory by node id, as every other part of the worker sees it. Node ids are
 * {@code [a-z0-9][a-z0-9-]{0,62}}; a block given as environment variables ({@code RELOCATOR_NODES__HN_01__...})
 * reaches the config mapping as {@code hn.01}, because {@code _} in a variable name stands for {@code .}; since an
 * id never holds a dot, it is turned back into {@code hn-01} here. Built once, at start-up, where it also refuses agent
 * URLs that would send passwords in the clear ({@link AgentUrlRule}).
 */
@Singleton
public class NodeInventory {

    private static final Logger LOG = Logger.getLogger(NodeInventory.class);
    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, RelocatorConfig.Node> nodes;

    public NodeInventory(RelocatorConfig config) {
        this.nodes = byNodeId(config.nodes());
        checkAgentUrls(nodes, config.agent().allowPlainHttp());
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

    /**
     * Refuses URLs {@link AgentUrlRule} refuses; says at WARN, once per node, which ones send passwords in the clear.
     * Returns those nodes' ids.
     */
    static List<String> checkAgentUrls(Map<String, RelocatorConfig.Node> nodes, boolean allowPlainHttp) {
        List<String> plain = new ArrayList<>();
        new TreeMap<>(nodes).forEach((id, node) -> {
            if (AgentUrlRule.check(id, node.agentUrl(), allowPlainHttp) == AgentUrlRule.Verdict.PLAIN_ALLOWED) {
                plain.add(id);
                LOG.warnf("Node %s: its Agent is called over plain http to a host that is not loopback (%s=true)."
                        + " Its password and every target's password cross the network readable by anyone on the path.",
                        id, AgentUrlRule.ALLOW_KEY);
            }
        });
        return plain;
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
