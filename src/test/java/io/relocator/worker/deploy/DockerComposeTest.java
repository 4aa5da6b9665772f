package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.simulator.SimulatorConfig;

/**
 * docker-compose.yml the same way as the Kubernetes manifests: every variable given to a service built from the
 * worker's Dockerfile sets a config key the worker reads, the config mapping reads that environment, and every port
 * is published on 127.0.0.1 only. (No Docker engine here: the file is checked, not run.)
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final ConfigNames NAMES = ConfigNames.ofTheWorker();

    @Test
    void theWorkerServicesGetOnlyConfigKeysTheWorkerReadsAndTheMappingReadsThem() throws Exception {
        Map<String, Map<String, String>> workers = workerServices(compose());
        assertFalse(workers.isEmpty(), "no service built from " + ConfigNames.DOCKERFILE);
        workers.forEach((service, env) -> {
            List<String> unknown = env.keySet().stream().filter(name -> !NAMES.isRead(name)).toList();
            assertEquals(List.of(), unknown, service + ": variables that set no config key of the worker");
            var config = Deployment.workerConfig(env);
            RelocatorConfig relocator = config.getConfigMapping(RelocatorConfig.class);
            NodeInventory inventory = new NodeInventory(relocator);
            long nodeBlocks = env.keySet().stream().filter(n -> n.matches("RELOCATOR_NODES__[A-Z0-9_]+__AGENT_URL"))
                    .count();
            assertEquals(nodeBlocks, inventory.ids().size(), service + ": nodes read " + inventory.ids());
            if (relocator.worker().enabled()) {
                assertTrue(env.containsKey("RELOCATOR_INSTANCE_ID"), service + ": no stable relocator.instance-id");
            } else {
                assertTrue(config.getConfigMapping(SimulatorConfig.class).enabled(), service + " does nothing");
            }
        });
    }

    @Test
    void everyPortIsPublishedOnLoopbackOnly() throws Exception {
        JsonNode services = compose().path("services");
        List<String> open = new ArrayList<>();
        services.fieldNames().forEachRemaining(service -> services.path(service).path("ports").forEach(port -> {
            boolean loopback = port.isTextual() ? port.asText().startsWith("127.0.0.1:")
                    : "127.0.0.1".equals(port.path("host_ip").asText());
            if (!loopback) {
                open.add(service + " " + port);
            }
        }));
        assertEquals(List.of(), open, "ports published beyond 127.0.0.1");
    }

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(COMPOSE));
    }

    /** Each service built from the worker's Dockerfile, with its environment ({@code ${VAR...}} as "changeme"). */
    private static Map<String, Map<String, String>> workerServices(JsonNode compose) {
        Map<String, Map<String, String>> workers = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(service -> {
            if (!ConfigNames.DOCKERFILE.toString().equals(service.getValue().path("build").path("dockerfile").asText())) {
                return; // another image (the broker): its variables are its own
            }
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode environment = service.getValue().path("environment");
            if (environment.isArray()) {
                environment.forEach(e -> {
                    String[] kv = e.asText().split("=", 2);
                    env.put(kv[0], kv.length > 1 ? kv[1] : "");
                });
            } else {
                environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
            env.replaceAll((name, value) -> value.replaceAll("\\$\\{[^}]*}", "changeme"));
            workers.put(service.getKey(), env);
        });
        return workers;
    }
}
