package io.relocator.worker.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.smallrye.config.SmallRyeConfig;
import io.relocator.worker.testing.WorkerConfigSources;

/**
 * One set of manifests as it would be applied: the base's files as its kustomization lists them, or what
 * {@code kubectl kustomize} renders for the base or an overlay (when kubectl is installed).
 */
final class Deployment {

    static final Path KUBERNETES = Path.of("deploy/kubernetes");
    static final Path BASE = KUBERNETES.resolve("base");
    static final Path SECRET_EXAMPLE = BASE.resolve("secret.example.yaml");

    final String name;
    final List<HasMetadata> resources;

    private Deployment(String name, List<HasMetadata> resources) {
        this.name = name;
        this.resources = resources;
    }

    @Override
    public String toString() {
        return name;
    }

    /** The files listed in the base's kustomization, read as they are (no tool needed). */
    static Deployment baseFiles() {
        StrictManifests.Kustomization kustomization = kustomization(BASE);
        List<HasMetadata> resources = new ArrayList<>();
        kustomization.resourcesOrEmpty()
                .forEach(file -> resources.addAll(StrictManifests.resources(StrictManifests.read(BASE.resolve(file)))));
        return new Deployment("base files", resources);
    }

    /** What {@code kubectl kustomize dir} renders, or empty when kubectl is not installed. */
    static Optional<Deployment> rendered(Path dir) {
        try {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false)
                    .start();
            byte[] out = kubectl.getInputStream().readAllBytes();
            String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
            }
            String yaml = new String(out, StandardCharsets.UTF_8);
            return Optional.of(new Deployment("kubectl kustomize " + dir,
                    StrictManifests.resources(StrictManifests.parse(yaml, "kubectl kustomize " + dir))));
        } catch (IOException e) {
            System.err.println("WARNING: kubectl is not installed: what kustomize renders for " + dir
                    + " is NOT checked, only the files as written (" + e.getMessage() + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static StrictManifests.Kustomization kustomization(Path dir) {
        return (StrictManifests.Kustomization) StrictManifests.read(dir.resolve("kustomization.yaml")).get(0);
    }

    static Secret secretExample() {
        return (Secret) StrictManifests.read(SECRET_EXAMPLE).get(0);
    }

    <T> List<T> all(Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T> T one(Class<T> kind) {
        List<T> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError(name + ": expected one " + kind.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    StatefulSet statefulSet() {
        return one(StatefulSet.class);
    }

    Container worker() {
        List<Container> containers = statefulSet().getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(name + ": the worker pod should have one container, has " + containers.size());
        }
        return containers.get(0);
    }

    ConfigMap configMap(String configMapName) {
        return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(configMapName)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no ConfigMap " + configMapName));
    }

    /** The variable names the worker container gets: its ConfigMaps' keys (envFrom), then its own env. */
    List<String> environmentNames() {
        List<String> names = new ArrayList<>();
        for (EnvFromSource from : worker().getEnvFrom()) {
            names.addAll(configMap(from.getConfigMapRef().getName()).getData().keySet());
        }
        worker().getEnv().forEach(env -> names.add(env.getName()));
        return names;
    }

    /**
     * The worker's environment as the pod would see it: ConfigMap values, literal values, the pod's name for
     * {@code metadata.name}, and for each Secret key the example Secret's value when it has one, else a stand-in
     * (a Secret Strimzi writes).
     */
    Map<String, String> environment(Secret example) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : worker().getEnvFrom()) {
            env.putAll(configMap(from.getConfigMapRef().getName()).getData());
        }
        for (EnvVar var : worker().getEnv()) {
            env.put(var.getName(), valueOf(var, example));
        }
        return env;
    }

    private String valueOf(EnvVar var, Secret example) {
        if (var.getValueFrom() == null) {
            return var.getValue();
        }
        if (var.getValueFrom().getFieldRef() != null) {
            if (!"metadata.name".equals(var.getValueFrom().getFieldRef().getFieldPath())) {
                throw new AssertionError(name + ": " + var.getName() + " from an unexpected field");
            }
            return statefulSet().getMetadata().getName() + "-0";
        }
        var secretKey = var.getValueFrom().getSecretKeyRef();
        if (secretKey != null) {
            if (secretKey.getName().equals(example.getMetadata().getName())) {
                return example.getStringData().get(secretKey.getKey());
            }
            return "written-by-strimzi";
        }
        throw new AssertionError(name + ": " + var.getName() + " from neither a field nor a Secret");
    }

    /** The worker's config mapping read from {@code env} exactly as at start-up (no Quarkus boot). */
    static SmallRyeConfig workerConfig(Map<String, String> env) {
        return WorkerConfigSources.fromEnvironment(env);
    }

    static List<Path> yamlFilesUnder(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
