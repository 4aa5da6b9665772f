package io.relocator.worker.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Reads Kubernetes YAML into the typed models of fabric8 and Strimzi, refusing any field the model does not know.
 * Both libraries keep unknown fields in an "additional properties" map (a {@code @JsonAnySetter}), so a misspelt
 * {@code readinesProbe} would be kept silently; here that any-setter is switched off and Jackson's own
 * FAIL_ON_UNKNOWN_PROPERTIES names the field and its path. A kind not listed in {@link #KINDS} is refused too.
 */
final class StrictManifests {

    /** apiVersion/kind of every resource this project deploys, and its model. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class),
            Map.entry("kustomize.config.k8s.io/v1beta1/Kustomization", Kustomization.class));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated member) {
                    return Boolean.FALSE;
                }
            });

    private StrictManifests() {
    }

    /** Every document of a (multi-document) YAML file, each as its model. */
    static List<Object> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of YAML text, each as its model; {@code origin} names it in failures. */
    static List<Object> parse(String yaml, String origin) {
        List<Object> models = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
                Class<?> model = KINDS.get(kind);
                if (model == null) {
                    throw new IllegalArgumentException(origin + ": no typed model for " + kind);
                }
                models.add(YAML.treeToValue(document, model));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
        return models;
    }

    /** A file that is no Kubernetes resource (no apiVersion, no kind) as {@code model}, as strictly. */
    static <T> T readAs(Path file, Class<T> model) {
        try {
            return YAML.readValue(file.toFile(), model);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Only the Kubernetes resources (not the kustomization files). */
    static List<HasMetadata> resources(List<Object> models) {
        return models.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).toList();
    }

    /**
     * The fields of a kustomization.yaml this project uses; any other is refused like an unknown field of a resource,
     * so a field added here must be added to this record on purpose.
     */
    record Kustomization(String apiVersion, String kind, String namespace, List<Map<String, Object>> labels,
            List<String> resources, List<Map<String, String>> images, List<Map<String, String>> patches) {

        List<String> resourcesOrEmpty() {
            return resources == null ? List.of() : resources;
        }

        List<String> patchPaths() {
            return patches == null ? List.of() : patches.stream().map(p -> p.get("path")).toList();
        }
    }
}
