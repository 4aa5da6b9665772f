package io.relocator.worker.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Configures the application under test with a node inventory whose Agents are the built-in simulator, served over
 * real HTTP by the same application on 127.0.0.1. The nodes' password is made up for each run, so no credential is
 * committed; tests read it back from the config to look for leaks. So is the simulator's admin token.
 */
public class SimulatedNodesResource implements QuarkusTestResourceLifecycleManager {

    public static final List<String> NODES = List.of("hn-01", "hn-02", "hn-03", "hn-04");
    public static final int PER_TARGET_BOUND = 2;
    /** A source node for fault injection, allowed more migrations out than the HTTP client's default pool of 5. */
    public static final String FAULTY = "hn-05";
    public static final int FAULTY_MAX_OUTGOING = 8;
    /** A node whose Agent URL is a closed port on 127.0.0.1. */
    public static final String DEAD = "hn-06";
    /** A node whose Agent answers are given up after one second. */
    public static final String IMPATIENT = "hn-07";
    /** The backlog case: a slow source and its target, and three fast targets. */
    public static final String SLOW_SOURCE = "slow-src";
    public static final String SLOW_TARGET = "slow-dst";
    public static final List<String> FAST_TARGETS = List.of("fast-1", "fast-2", "fast-3");
    public static final int SLOW_TARGET_MAX_INCOMING = 10;
    /** The evacuation case: twenty nodes, each the source for the next, saturated at once. */
    public static final List<String> EVACUATED = java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(i -> String.format("evac-%02d", i)).toList();
    /** The admin API's node controls: a source and two targets no other test uses (controls are fleet-wide state). */
    public static final List<String> CONTROLLED = List.of("ctl-1", "ctl-2", "ctl-3");
    public static final int MAX_ATTEMPTS = 5;
    public static final java.time.Duration RECONCILE_DEADLINE = java.time.Duration.ofSeconds(3);

    @Override
    public Map<String, String> start() {
        String password = UUID.randomUUID() + "-Pw";
        Map<String, String> config = new HashMap<>();
        config.put("relocator.simulator.enabled", "true");
        config.put("relocator.simulator.username", "root");
        config.put("relocator.simulator.password", password);
        config.put("relocator.simulator.admin-token", UUID.randomUUID() + "-Admin");
        config.put("relocator.simulator.latency", "PT0.3S");
        config.put("relocator.concurrency.per-target-node", Integer.toString(PER_TARGET_BOUND));
        config.put("relocator.retry.max-attempts", Integer.toString(MAX_ATTEMPTS));
        config.put("relocator.retry.initial-backoff", "PT0.2S");
        config.put("relocator.reconcile.interval", "PT0.2S");
        config.put("relocator.reconcile.deadline", RECONCILE_DEADLINE.toString());
        config.put("relocator.reconcile.grace", "PT1S");
        List<String> nodes = new java.util.ArrayList<>(List.of("hn-01", "hn-02", "hn-03", "hn-04", FAULTY, DEAD,
                IMPATIENT, SLOW_SOURCE, SLOW_TARGET));
        nodes.addAll(FAST_TARGETS);
        nodes.addAll(EVACUATED);
        nodes.addAll(CONTROLLED);
        for (String node : nodes) {
            String prefix = "relocator.nodes." + node + ".";
            config.put(prefix + "agent-url", "http://127.0.0.1:${quarkus.http.test-port}/simulator/agents/" + node);
            config.put(prefix + "address", node + ".sim.invalid");
            config.put(prefix + "username", "root");
            config.put(prefix + "password", password);
        }
        config.put("relocator.nodes." + FAULTY + ".max-outgoing", Integer.toString(FAULTY_MAX_OUTGOING));
        config.put("relocator.nodes." + DEAD + ".agent-url", "http://127.0.0.1:" + closedPort() + "/");
        config.put("relocator.nodes." + IMPATIENT + ".receive-timeout", "PT1S");
        config.put("relocator.nodes." + SLOW_TARGET + ".max-incoming", Integer.toString(SLOW_TARGET_MAX_INCOMING));
        return config;
    }

    /** A port on 127.0.0.1 that nothing listens on: bound once to learn a free number, then released. */
    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        // nothing to release: the simulator lives and dies with the application
    }
}
