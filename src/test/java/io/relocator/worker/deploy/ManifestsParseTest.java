package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * Every file under deploy/kubernetes is read into fabric8's or Strimzi's typed model, and a field that the model does
 * not know fails the build (a misspelt field is otherwise ignored by kubectl's client-side apply and by the operators).
 * Not a @QuarkusTest: nothing here needs the application running.
 */
class ManifestsParseTest {

    @Test
    void everyManifestParsesIntoItsTypedModel() {
        List<Path> files = Deployment.yamlFilesUnder(Deployment.KUBERNETES);
        assertTrue(files.size() >= 10, "manifests found: " + files);
        for (Path file : files) {
            assertFalse(StrictManifests.read(file).isEmpty(), file + " holds no document");
        }
    }

    @Test
    void aFieldTheModelDoesNotKnowIsRefused() {
        String misspeltProbe = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: x}
                spec:
                  serviceName: x
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrictManifests.parse(misspeltProbe, "inline"));
        assertTrue(e.getMessage().contains("readinesProbe"), e.getMessage());

        String misspeltPartitions = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partition: 6}
                """;
        e = assertThrows(IllegalArgumentException.class, () -> StrictManifests.parse(misspeltPartitions, "inline"));
        assertTrue(e.getMessage().contains("partition"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> StrictManifests.parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", "inline"));
        assertTrue(e.getMessage().contains("no typed model for apps/v1/Deployment"), e.getMessage());
    }

    @Test
    void theBaseKustomizationListsEveryManifestButTheSecretExample() throws Exception {
        Set<String> files = new TreeSet<>();
        try (var listing = Files.list(Deployment.BASE)) {
            listing.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).forEach(files::add);
        }
        files.remove("kustomization.yaml");
        files.remove(Deployment.SECRET_EXAMPLE.getFileName().toString());
        assertEquals(files, new TreeSet<>(Deployment.kustomization(Deployment.BASE).resourcesOrEmpty()),
                "deploy/kubernetes/base/kustomization.yaml resources");
    }

    @Test
    void everyOverlayBuildsOnTheBaseAndItsPatchesExist() throws Exception {
        try (var overlays = Files.list(Deployment.KUBERNETES.resolve("overlays"))) {
            for (Path overlay : overlays.toList()) {
                StrictManifests.Kustomization kustomization = Deployment.kustomization(overlay);
                assertTrue(kustomization.resourcesOrEmpty().contains("../../base"), overlay + " resources");
                for (String patch : kustomization.patchPaths()) {
                    assertTrue(Files.isRegularFile(overlay.resolve(patch)), overlay + ": no patch file " + patch);
                }
            }
        }
    }
}
