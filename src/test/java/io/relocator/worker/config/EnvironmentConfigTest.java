package io.relocator.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.WorkerConfigSources;

/**
 * Proves the environment-variable form of a node block that the README documents, through the same SmallRye Config
 * mapping the application uses. Not a @QuarkusTest: a process's environment cannot be set from inside it, and the
 * env source here is the one Quarkus installs, fed with the variables a container would get.
 */
class EnvironmentConfigTest {

    @Test
    void aNodeBlockGivenAsEnvironmentVariables() {
        String password = UUID.randomUUID().toString();
        Map<String, String> env = Map.of(
                "RELOCATOR_NODES__HN_01__AGENT_URL", "https://hn-01.dc1.invalid:4646",
                "RELOCATOR_NODES__HN_01__ADDRESS", "hn-01.dc1.invalid",
                "RELOCATOR_NODES__HN_01__PORT", "4433",
                "RELOCATOR_NODES__HN_01__PROTOCOL", "TCP",
                "RELOCATOR_NODES__HN_01__USERNAME", "root",
                "RELOCATOR_NODES__HN_01__PASSWORD", password,
                "RELOCATOR_NODES__HN_01__MAX_INCOMING", "8",
                "RELOCATOR_NODES__HN_01__RECEIVE_TIMEOUT", "PT6H",
                "RELOCATOR_CONCURRENCY_PER_TARGET_NODE", "3");
        RelocatorConfig relocator = mapped(env);
        NodeInventory inventory = new NodeInventory(relocator);
        assertEquals(Set.of("hn-01"), inventory.ids());
        RelocatorConfig.Node node = inventory.node("hn-01").orElseThrow();
        assertEquals("https://hn-01.dc1.invalid:4646", node.agentUrl());
        assertEquals("hn-01.dc1.invalid", node.address());
        assertEquals(4433, node.port());
        assertEquals("TCP", node.protocol());
        assertEquals("00000000-0000-0000-0000-000000000000", node.realm());
        assertEquals("root", node.username());
        assertEquals(password, node.password().reveal());
        assertFalse(node.password().toString().contains(password), "the password type is redacted");
        assertFalse(node.toString().contains(password), "so is the node's block printed whole: " + node);
        assertEquals(8, node.maxIncoming().getAsInt());
        assertTrue(node.maxOutgoing().isEmpty());
        assertEquals(Duration.ofHours(6), node.receiveTimeout().orElseThrow());
        assertEquals(3, relocator.concurrency().perTargetNode());
    }

    @Test
    void plainHttpToAnotherHostStopsTheStartNamingTheNodeAndTheSetting() {
        Map<String, String> env = node("HN_02", "http://hn-02.dc1.invalid:4646");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new NodeInventory(mapped(env)));
        assertTrue(refused.getMessage().contains("relocator.nodes.hn-02.agent-url"), refused.getMessage());
        assertTrue(refused.getMessage().contains("relocator.agent.allow-plain-http"), refused.getMessage());
    }

    @Test
    void plainHttpToAnotherHostIsAcceptedWhenAllowedAndNamedForTheWarning() {
        Map<String, String> env = new HashMap<>(node("HN_02", "http://hn-02.dc1.invalid:4646"));
        env.putAll(node("HN_03", "http://127.0.0.1:4646"));
        env.putAll(node("HN_04", "https://hn-04.dc1.invalid:4646"));
        env.put("RELOCATOR_AGENT_ALLOW_PLAIN_HTTP", "true");
        RelocatorConfig relocator = mapped(env);
        assertTrue(relocator.agent().allowPlainHttp());
        NodeInventory inventory = new NodeInventory(relocator);
        assertEquals(Set.of("hn-02", "hn-03", "hn-04"), inventory.ids());
        assertEquals(List.of("hn-02"), NodeInventory.checkAgentUrls(inventory.nodes(), true));
    }

    @Test
    void plainHttpIsNotAllowedAndKeepAliveProbesAfterAMinuteByDefault() {
        RelocatorConfig.Agent agent = mapped(node("HN_03", "http://127.0.0.1:4646")).agent();
        assertFalse(agent.allowPlainHttp());
        assertEquals(Duration.ofSeconds(60), agent.tcpKeepAliveIdle());
        assertEquals(Duration.ofSeconds(15), agent.tcpKeepAliveInterval());
    }

    private static Map<String, String> node(String envId, String agentUrl) {
        String prefix = "RELOCATOR_NODES__" + envId + "__";
        return Map.of(prefix + "AGENT_URL", agentUrl, prefix + "ADDRESS", "node.dc1.invalid", prefix + "USERNAME", "root",
                prefix + "PASSWORD", UUID.randomUUID().toString());
    }

    private static RelocatorConfig mapped(Map<String, String> env) {
        return WorkerConfigSources.fromEnvironment(env).getConfigMapping(RelocatorConfig.class);
    }
}
