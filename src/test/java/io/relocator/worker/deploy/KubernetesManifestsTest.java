package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.config.RelocatorConfig;

/**
 * The worker's Kubernetes manifests against what the worker needs and reads: each check runs on the base's files as
 * they are, and on what {@code kubectl kustomize} renders for the base and the dev overlay when kubectl is installed.
 */
class KubernetesManifestsTest {

    private static final ConfigNames NAMES = ConfigNames.ofTheWorker();
    private static final Pattern NODE_VARIABLE = Pattern.compile("RELOCATOR_NODES__([A-Z0-9_]+)__[A-Z_]+");
    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");

    static Stream<Deployment> deployments() {
        List<Deployment> all = new ArrayList<>(List.of(Deployment.baseFiles()));
        Deployment.rendered(Deployment.BASE).ifPresent(all::add);
        Deployment.rendered(Deployment.KUBERNETES.resolve("overlays/dev")).ifPresent(all::add);
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void everyVariableOfTheWorkerIsAConfigKeyItReads(Deployment deployment) {
        List<String> unknown = deployment.environmentNames().stream().filter(name -> !NAMES.isRead(name)).toList();
        assertEquals(List.of(), unknown, deployment + ": variables that set no config key of the worker");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theInventoryIsReadByTheConfigMappingAsWritten(Deployment deployment) {
        Map<String, String> env = deployment.environment(Deployment.secretExample());
        RelocatorConfig config = Deployment.workerConfig(env).getConfigMapping(RelocatorConfig.class);
        NodeInventory inventory = new NodeInventory(config);

        Set<String> written = new TreeSet<>();
        env.keySet().forEach(name -> {
            Matcher m = NODE_VARIABLE.matcher(name);
            if (m.matches()) {
                written.add(m.group(1).toLowerCase().replace('_', '-'));
            }
        });
        assertFalse(written.isEmpty(), deployment + ": no node in the inventory");
        assertEquals(written, inventory.ids(), deployment + ": node ids");
        inventory.nodes().forEach((id, node) -> {
            assertEquals("changeme", node.password().reveal(), deployment + ": " + id + "'s password, from the example Secret");
            assertTrue(URI.create(node.agentUrl()).isAbsolute(), id + " agent-url " + node.agentUrl());
        });
        assertEquals(Optional.of(deployment.statefulSet().getMetadata().getName() + "-0"), config.instanceId());
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void everyPasswordComesFromASecretAndNoneIsInAConfigMap(Deployment deployment) {
        for (ConfigMap configMap : deployment.all(ConfigMap.class)) {
            for (String key : configMap.getData().keySet()) {
                assertFalse(secret(key), deployment + ": " + key + " in ConfigMap " + configMap.getMetadata().getName());
            }
        }
        for (EnvVar var : deployment.worker().getEnv()) {
            if (secret(var.getName())) {
                assertNull(var.getValue(), deployment + ": " + var.getName() + " has a literal value");
                assertNotNull(var.getValueFrom().getSecretKeyRef(), deployment + ": " + var.getName() + " not from a Secret");
            }
        }
        Set<String> nodesWithPassword = deployment.worker().getEnv().stream().map(EnvVar::getName)
                .filter(n -> n.startsWith("RELOCATOR_NODES__") && n.endsWith("__PASSWORD")).collect(Collectors.toSet());
        Set<String> nodes = deployment.environmentNames().stream().map(NODE_VARIABLE::matcher).filter(Matcher::matches)
                .map(m -> "RELOCATOR_NODES__" + m.group(1) + "__PASSWORD").collect(Collectors.toSet());
        assertEquals(nodes, nodesWithPassword, deployment + ": a password variable for each node, and none other");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theSecretExampleHoldsPlaceholdersForExactlyTheKeysThePodReads(Deployment deployment) {
        var example = Deployment.secretExample();
        assertTrue(example.getData() == null || example.getData().isEmpty(), "the example uses stringData only");
        example.getStringData().forEach((key, value) -> assertEquals("changeme", value,
                "secret.example.yaml: " + key + " must be the placeholder, never a real value"));
        Set<String> read = deployment.worker().getEnv().stream().filter(v -> v.getValueFrom() != null)
                .map(v -> v.getValueFrom().getSecretKeyRef())
                .filter(ref -> ref != null && ref.getName().equals(example.getMetadata().getName()))
                .map(ref -> ref.getKey()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(example.getStringData().keySet()), read, deployment + ": keys of the example Secret");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void eachPodIsNamedForItsInstanceId(Deployment deployment) {
        EnvVar instanceId = env(deployment.worker(), "RELOCATOR_INSTANCE_ID");
        assertEquals("metadata.name", instanceId.getValueFrom().getFieldRef().getFieldPath());
        assertEquals(deployment.one(Service.class).getMetadata().getName(),
                deployment.statefulSet().getSpec().getServiceName(), "the StatefulSet's governing Service");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void httpListensOnThePodAddressAndTheProbesAskHealth(Deployment deployment) {
        Container worker = deployment.worker();
        assertEquals("0.0.0.0", env(worker, "QUARKUS_HTTP_HOST").getValue(),
                "application.properties binds 127.0.0.1: probes and Prometheus could not connect");
        assertProbe(worker, worker.getLivenessProbe(), "/q/health/live");
        assertProbe(worker, worker.getReadinessProbe(), "/q/health/ready");
        if (worker.getStartupProbe() != null) {
            assertProbe(worker, worker.getStartupProbe(), "/q/health/live");
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void thePodRunsAsNonRootOnAReadOnlyRootWithAWritableTmp(Deployment deployment) {
        PodSpec pod = deployment.statefulSet().getSpec().getTemplate().getSpec();
        PodSecurityContext podSecurity = pod.getSecurityContext();
        assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot());
        assertTrue(podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() > 0, "runAsUser");
        SecurityContext security = deployment.worker().getSecurityContext();
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        String tmpVolume = deployment.worker().getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp"))
                .findFirst().orElseThrow(() -> new AssertionError(deployment + ": no volume at /tmp")).getName();
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(tmpVolume) && v.getEmptyDir() != null),
                deployment + ": /tmp is not an emptyDir");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theMemoryLimitHoldsTheHeapAndTheGraceHoldsTheDrain(Deployment deployment) {
        Container worker = deployment.worker();
        Matcher xmx = XMX.matcher(env(worker, "JAVA_OPTS").getValue());
        assertTrue(xmx.find(), deployment + ": JAVA_OPTS sets no -Xmx");
        BigDecimal heap = new BigDecimal(xmx.group(1)).multiply(BigDecimal.valueOf(switch (xmx.group(2).toLowerCase()) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        }));
        Map<String, Quantity> limits = worker.getResources().getLimits();
        Map<String, Quantity> requests = worker.getResources().getRequests();
        assertNotNull(requests.get("cpu"), deployment + ": cpu request");
        BigDecimal memory = Quantity.getAmountInBytes(limits.get("memory"));
        assertTrue(memory.compareTo(heap.multiply(new BigDecimal("1.5"))) >= 0,
                deployment + ": memory limit " + limits.get("memory") + " leaves less than half the heap again for "
                        + "metaspace, threads and buffers (-Xmx" + xmx.group(1) + xmx.group(2) + ")");
        assertTrue(Quantity.getAmountInBytes(requests.get("memory")).compareTo(heap) > 0, deployment + ": memory request");

        RelocatorConfig config = Deployment.workerConfig(deployment.environment(Deployment.secretExample()))
                .getConfigMapping(RelocatorConfig.class);
        long grace = deployment.statefulSet().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(config.shutdown().drainTimeout().getSeconds() + 10 <= grace, deployment
                + ": terminationGracePeriodSeconds " + grace + " does not outlast drain-timeout "
                + config.shutdown().drainTimeout() + " and a last commit");
    }

    /**
     * The bounds hold across replicas (one elected scheduler grants every slot), so the base runs several workers:
     * each owns requests partitions, and the budget takes one at a time, leaving the others to run their partitions
     * and take the scheduling role over.
     */
    @Test
    void theBaseRunsSeveralWorkersEachWithRequestsPartitionsAndLetsOneGoAtATime() {
        Deployment base = Deployment.baseFiles();
        RelocatorConfig config = Deployment.workerConfig(base.environment(Deployment.secretExample()))
                .getConfigMapping(RelocatorConfig.class);
        int replicas = base.statefulSet().getSpec().getReplicas();
        assertTrue(replicas >= 3, "replicas " + replicas + ": a drained pod would leave no spare for the scheduling role");
        assertTrue(replicas <= config.topics().partitions(), "replicas " + replicas + " beyond the "
                + config.topics().partitions() + " requests partitions: a pod would own none");
        var budget = base.one(PodDisruptionBudget.class).getSpec();
        int unavailable = budget.getMaxUnavailable() != null ? budget.getMaxUnavailable().getIntVal()
                : replicas - budget.getMinAvailable().getIntVal();
        assertEquals(1, unavailable, "pods the PodDisruptionBudget lets go at once");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theServiceBudgetPolicyAndMonitorSelectTheWorkerPods(Deployment deployment) {
        StatefulSet statefulSet = deployment.statefulSet();
        Map<String, String> podLabels = statefulSet.getSpec().getTemplate().getMetadata().getLabels();
        assertSelects(statefulSet.getSpec().getSelector().getMatchLabels(), podLabels, "StatefulSet selector");
        Service service = deployment.one(Service.class);
        assertSelects(service.getSpec().getSelector(), podLabels, "Service selector");
        assertSelects(deployment.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels(), podLabels,
                "PodDisruptionBudget selector");
        assertSelects(deployment.one(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels(), podLabels,
                "NetworkPolicy podSelector");

        ServiceMonitor monitor = deployment.one(ServiceMonitor.class);
        assertSelects(monitor.getSpec().getSelector().getMatchLabels(), service.getMetadata().getLabels(),
                "ServiceMonitor selector");
        Set<String> servicePorts = service.getSpec().getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
        monitor.getSpec().getEndpoints().forEach(endpoint -> {
            assertTrue(servicePorts.contains(endpoint.getPort()), "ServiceMonitor port " + endpoint.getPort());
            assertEquals("/q/metrics", endpoint.getPath());
        });
        service.getSpec().getPorts().forEach(port -> assertTrue(
                containerPorts(deployment.worker()).contains(port.getTargetPort().getStrVal()),
                "Service targetPort " + port.getTargetPort()));
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theNetworkPolicyLetsOutOnlyKafkaTheAgentsAndDns(Deployment deployment) {
        Map<String, String> env = deployment.environment(Deployment.secretExample());
        Set<Integer> expected = new TreeSet<>(Set.of(53));
        for (String server : env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")) {
            expected.add(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        }
        RelocatorConfig config = Deployment.workerConfig(env).getConfigMapping(RelocatorConfig.class);
        config.nodes().values().forEach(node -> expected.add(port(URI.create(node.agentUrl()))));

        NetworkPolicy policy = deployment.one(NetworkPolicy.class);
        assertTrue(policy.getSpec().getPolicyTypes().contains("Egress"), "policyTypes has no Egress");
        Set<Integer> open = new TreeSet<>();
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            assertFalse(rule.getPorts() == null || rule.getPorts().isEmpty(), "an egress rule open on every port");
            assertFalse(rule.getTo() == null || rule.getTo().isEmpty(), "an egress rule open to every destination");
            rule.getPorts().stream().map(NetworkPolicyPort::getPort).forEach(p -> open.add(p.getIntVal()));
        }
        assertEquals(expected, open, deployment + ": egress ports (Kafka bootstrap, every agent-url's port, DNS)");
    }

    private static boolean secret(String variable) {
        String property = NAMES.property(variable).orElse(variable.toLowerCase());
        return property.endsWith("password") || property.endsWith("jaas.config");
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in container " + container.getName()));
    }

    private static void assertProbe(Container container, Probe probe, String path) {
        assertNotNull(probe, "a probe on " + path);
        assertEquals(path, probe.getHttpGet().getPath());
        String port = probe.getHttpGet().getPort().getStrVal();
        assertTrue(containerPorts(container).contains(port), "probe port " + probe.getHttpGet().getPort());
    }

    private static Set<String> containerPorts(Container container) {
        return container.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
    }

    private static void assertSelects(Map<String, String> selector, Map<String, String> labels, String what) {
        assertFalse(selector == null || selector.isEmpty(), what + " is empty (selects everything)");
        assertTrue(labels.entrySet().containsAll(selector.entrySet()), what + " " + selector + " misses " + labels);
    }

    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    private static void assertNull(Object value, String message) {
        assertTrue(value == null, message);
    }
}
