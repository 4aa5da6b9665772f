package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The image of src/main/docker/Dockerfile: non-root, heap sized, a health check on the worker's readiness. */
class ContainerImageTest {

    @Test
    void theImageRunsAsNonRootWithASizedHeapAndAHealthCheck() throws Exception {
        List<String> finalStage = new ArrayList<>();
        for (String line : Files.readAllLines(ConfigNames.DOCKERFILE)) {
            if (line.startsWith("FROM ")) {
                finalStage.clear();
            }
            finalStage.add(line);
        }
        String stage = String.join("\n", finalStage);
        String user = finalStage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("the final stage sets no USER: it runs as root")).substring(5).trim();
        assertTrue(user.matches("[0-9]+") && !user.equals("0"),
                "USER " + user + ": numeric and not 0, so that Kubernetes' runAsNonRoot can check it");
        assertTrue(stage.matches("(?s).*JAVA_OPTS=\"[^\"]*-Xmx\\d+[mg].*"), "JAVA_OPTS sets no -Xmx");
        assertTrue(stage.contains("QUARKUS_HTTP_HOST=0.0.0.0"), "HTTP bound to loopback inside the container");
        assertTrue(stage.matches("(?s).*HEALTHCHECK .*CMD .*http://127\\.0\\.0\\.1:8080/q/health/(ready|live).*"),
                "no HEALTHCHECK on /q/health");
        assertEquals(List.of("JAVA_OPTS"), List.copyOf(ConfigNames.entrypointVariables(ConfigNames.DOCKERFILE)),
                "variables the entrypoint expands");
        assertFalse(stage.contains("ENV RELOCATOR_"), "configuration baked into the image");
    }
}
