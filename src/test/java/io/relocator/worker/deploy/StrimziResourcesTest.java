package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.messaging.TopicCreator;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;

/**
 * The Strimzi resources against the worker itself: the KafkaTopics carry what the worker's own TopicCreator would
 * create from the same configuration, the KafkaUser grants exactly what the worker's clients use, and the worker's
 * SASL/TLS settings match that user and that cluster.
 */
class StrimziResourcesTest {

    /** What Strimzi writes into the user's Secret and the cluster CA's Secret (Strimzi docs, "Security"). */
    private static final Set<String> USER_SECRET_KEYS = Set.of("password", "sasl.jaas.config");
    private static final Set<String> CA_SECRET_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

    static Stream<Deployment> deployments() {
        return KubernetesManifestsTest.deployments();
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void everyTopicIsDeclaredWithWhatTopicCreatorWouldGiveIt(Deployment deployment) throws Exception {
        Map<String, String> env = deployment.environment(Deployment.secretExample());
        RelocatorConfig config = Deployment.workerConfig(env).getConfigMapping(RelocatorConfig.class);
        Map<String, KafkaTopic> declared = new TreeMap<>();
        deployment.all(KafkaTopic.class).forEach(t -> declared.put(topicName(t), t));

        List<NewTopic> wanted = wanted(config);
        assertEquals(names(wanted), declared.keySet(), deployment + ": KafkaTopics, against TopicCreator's topics");
        int requestsPartitions = declared.get(config.topics().requests()).getSpec().getPartitions();
        for (NewTopic topic : wanted) {
            KafkaTopic kafkaTopic = declared.get(topic.name());
            var spec = kafkaTopic.getSpec();
            assertEquals(topic.numPartitions(), spec.getPartitions(), deployment + ": " + topic.name() + " partitions");
            assertEquals((int) topic.replicationFactor(), spec.getReplicas(),
                    deployment + ": " + topic.name() + " replicas, against relocator.topics.replication-factor");
            Map<String, String> settings = new TreeMap<>();
            spec.getConfig().forEach((key, value) -> settings.put(key, String.valueOf(value)));
            topic.configs().forEach((key, value) -> assertEquals(value, settings.get(key), deployment + ": " + topic.name() + " " + key));
            // exactly TopicCreator's settings, and min.insync.replicas, which it leaves to the broker's default
            Set<String> keys = new TreeSet<>(topic.configs().keySet());
            keys.add(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            assertEquals(keys, settings.keySet(), deployment + ": " + topic.name() + " settings");
            int minInSync = Integer.parseInt(settings.getOrDefault(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "0"));
            assertTrue(minInSync >= 2 && minInSync < spec.getReplicas(), topic.name()
                    + ": min.insync.replicas must be at least 2 (acks=all means something) and below the replicas "
                    + "(one broker may be down)");
        }
        for (String alongside : List.of(config.topics().outcomes())) {
            assertEquals(requestsPartitions, declared.get(alongside).getSpec().getPartitions(),
                    alongside + " must have as many partitions as " + config.topics().requests());
        }
        assertEquals("compact,delete", declared.get(config.topics().outcomes()).getSpec().getConfig()
                .get(TopicConfig.CLEANUP_POLICY_CONFIG), "the outcome store is compacted, and forgets after the window");
        // The scheduler's inbox: requests handed off and releases, each in a partition of its own, nothing compacted
        // away; its state: one partition, compacted only (a waiting request is never deleted for its age).
        var inbox = declared.get(config.topics().schedulerInbox()).getSpec();
        assertEquals(2, inbox.getPartitions(), "the scheduler's inbox partitions");
        assertFalse(inbox.getConfig().containsKey(TopicConfig.CLEANUP_POLICY_CONFIG), "the inbox is not compacted");
        var state = declared.get(config.topics().schedulerState()).getSpec();
        assertEquals(1, state.getPartitions(), "the scheduler's state partitions");
        assertEquals("compact", state.getConfig().get(TopicConfig.CLEANUP_POLICY_CONFIG),
                "the scheduler's state is compacted only");
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theWorkerConnectsWithScramOverTlsAsTheKafkaUserOfTheCluster(Deployment deployment) {
        Map<String, String> env = deployment.environment(Deployment.secretExample());
        KafkaUser user = deployment.one(KafkaUser.class);
        String cluster = user.getMetadata().getLabels().get("strimzi.io/cluster");
        assertNotNull(cluster, "KafkaUser without strimzi.io/cluster");
        deployment.all(KafkaTopic.class).forEach(t -> assertEquals(cluster,
                t.getMetadata().getLabels().get("strimzi.io/cluster"), topicName(t) + " in another cluster"));

        assertTrue(user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication,
                "KafkaUser authentication");
        assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"));
        for (String server : env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")) {
            assertTrue(server.startsWith(cluster + "-kafka-bootstrap"), server + ": not the bootstrap of " + cluster);
        }
        // The topic creator's admin client is given kafka.bootstrap.servers alone: on a SASL_SSL listener it cannot
        // connect (and the user may not create topics). Strimzi's topic operator creates them.
        assertEquals("false", env.get("RELOCATOR_TOPICS_CREATE"), "relocator.topics.create with a secured listener");

        SecretKeySelector jaas = secretRef(deployment, "KAFKA_SASL_JAAS_CONFIG");
        assertEquals(user.getMetadata().getName(), jaas.getName(), "the JAAS line from the KafkaUser's own Secret");
        assertEquals("sasl.jaas.config", jaas.getKey());
        SecretKeySelector trustPassword = secretRef(deployment, "KAFKA_SSL_TRUSTSTORE_PASSWORD");
        assertEquals(cluster + "-cluster-ca-cert", trustPassword.getName());
        assertEquals("PKCS12", env.get("KAFKA_SSL_TRUSTSTORE_TYPE"));
        var caVolume = deployment.statefulSet().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null && v.getSecret().getSecretName().equals(cluster + "-cluster-ca-cert"))
                .findFirst().orElseThrow(() -> new AssertionError("the cluster CA Secret is not mounted"));
        String mountPath = deployment.worker().getVolumeMounts().stream()
                .filter(m -> m.getName().equals(caVolume.getName())).findFirst().orElseThrow().getMountPath();
        String file = caVolume.getSecret().getItems().stream().filter(i -> i.getKey().equals("ca.p12")).findFirst()
                .orElseThrow(() -> new AssertionError("ca.p12 not mounted")).getPath();
        assertEquals(mountPath + "/" + file, env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"), "the trust store file");

        // every Secret the pod reads is the example's (checked elsewhere) or one Strimzi writes, with its keys
        String example = Deployment.secretExample().getMetadata().getName();
        for (EnvVar var : deployment.worker().getEnv()) {
            SecretKeySelector ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
            if (ref == null || ref.getName().equals(example)) {
                continue;
            }
            Set<String> keys = ref.getName().equals(user.getMetadata().getName()) ? USER_SECRET_KEYS
                    : ref.getName().equals(cluster + "-cluster-ca-cert") ? CA_SECRET_KEYS : Set.of();
            assertTrue(keys.contains(ref.getKey()), var.getName() + ": " + ref.getName() + "/" + ref.getKey()
                    + " is neither the example Secret nor a key Strimzi writes");
        }

        NetworkPolicy policy = deployment.one(NetworkPolicy.class);
        assertTrue(policy.getSpec().getEgress().stream().flatMap(r -> r.getTo().stream())
                .anyMatch(peer -> peer.getPodSelector() != null
                        && cluster.equals(peer.getPodSelector().getMatchLabels().get("strimzi.io/cluster"))),
                "no egress to the pods of " + cluster);
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void theKafkaUserMayDoExactlyWhatTheWorkerDoes(Deployment deployment) {
        Map<String, String> env = deployment.environment(Deployment.secretExample());
        RelocatorConfig.Topics topics = Deployment.workerConfig(env).getConfigMapping(RelocatorConfig.class).topics();
        var application = ConfigNames.applicationProperties();
        String statefulSet = deployment.statefulSet().getMetadata().getName();

        Set<String> expected = new TreeSet<>();
        // the requests consumer, as its group (the group also commits in the transactions)
        String key = "mp.messaging.incoming.requests.group.id";
        String group = env.getOrDefault(ConfigNames.environmentForm(key).pattern(), application.getProperty(key));
        expected.add("topic:literal:" + topics.requests() + ":READ");
        expected.add("group:literal:" + group + ":READ");
        // the outcome store follows its topic without a group
        expected.add("topic:literal:" + topics.outcomes() + ":READ");
        // the transactional and idempotent producers
        for (String written : List.of(topics.events(), topics.deadLetter(), topics.outcomes())) {
            expected.add("topic:literal:" + written + ":WRITE");
        }
        // transactional.id = relocator.instance-id = the pod's name, <statefulset>-<ordinal>
        expected.add("transactionalId:prefix:" + statefulSet + "-:WRITE");
        expected.add("transactionalId:prefix:" + statefulSet + "-:DESCRIBE");
        // The fleet's scheduler (FleetScheduler). Every worker writes its inbox (in its own transactions) and follows
        // its state without a group; whichever pod is elected reads the inbox without a group and writes the state,
        // and any pod may be, so all hold both rights. The election is the group <requests group>-scheduler,
        // subscribed to the state topic; the role's producer has the fixed transactional id of the same name.
        String scheduler = group + "-scheduler";
        for (String topic : List.of(topics.schedulerInbox(), topics.schedulerState())) {
            expected.add("topic:literal:" + topic + ":READ");
            expected.add("topic:literal:" + topic + ":WRITE");
        }
        expected.add("group:literal:" + scheduler + ":READ");
        expected.add("transactionalId:literal:" + scheduler + ":WRITE");
        expected.add("transactionalId:literal:" + scheduler + ":DESCRIBE");

        KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) deployment.one(KafkaUser.class)
                .getSpec().getAuthorization();
        assertEquals(expected, granted(authorization.getAcls()), deployment + ": ACLs of the KafkaUser");
    }

    private static Set<String> granted(List<AclRule> acls) {
        Set<String> granted = new TreeSet<>();
        for (AclRule rule : acls) {
            assertTrue(rule.getType() == null || "allow".equalsIgnoreCase(rule.getType().toValue()), "deny rules");
            assertTrue(rule.getHost() == null || "*".equals(rule.getHost()), "host-bound rules");
            String resource;
            if (rule.getResource() instanceof AclRuleTopicResource topic) {
                resource = "topic:" + topic.getPatternType().toValue() + ":" + topic.getName();
            } else if (rule.getResource() instanceof AclRuleGroupResource group) {
                resource = "group:" + group.getPatternType().toValue() + ":" + group.getName();
            } else if (rule.getResource() instanceof AclRuleTransactionalIdResource id) {
                resource = "transactionalId:" + id.getPatternType().toValue() + ":" + id.getName();
            } else {
                resource = rule.getResource().getType() + ":?"; // cluster: never expected
            }
            List<AclOperation> operations = new ArrayList<>();
            if (rule.getOperations() != null) {
                operations.addAll(rule.getOperations());
            }
            if (rule.getOperation() != null) {
                operations.add(rule.getOperation());
            }
            operations.forEach(op -> granted.add(resource + ":" + op.name()));
        }
        return granted;
    }

    /** TopicCreator's own list (package-private there, read here by reflection so that nothing is restated). */
    @SuppressWarnings("unchecked")
    private static List<NewTopic> wanted(RelocatorConfig config) throws Exception {
        Method wanted = TopicCreator.class.getDeclaredMethod("wanted", RelocatorConfig.Topics.class, int.class,
                Duration.class);
        wanted.setAccessible(true);
        return (List<NewTopic>) wanted.invoke(null, config.topics(), config.topics().partitions(),
                config.idempotencyWindow());
    }

    private static Set<String> names(List<NewTopic> topics) {
        Set<String> names = new TreeSet<>();
        topics.forEach(t -> names.add(t.name()));
        return names;
    }

    private static String topicName(KafkaTopic topic) {
        return topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
    }

    private static SecretKeySelector secretRef(Deployment deployment, String variable) {
        return deployment.worker().getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                .map(e -> e.getValueFrom().getSecretKeyRef())
                .orElseThrow(() -> new AssertionError(deployment + ": no " + variable + " from a Secret"));
    }
}
