package io.relocator.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.WorkerConfigSources;

/**
 * A worker without an instance id refuses to start, naming the setting, instead of running under a name every such
 * worker shares. Not a @QuarkusTest: the rule is plain logic, and the default ({@code HOSTNAME}) is checked through the
 * same SmallRye mapping the application uses, fed with a made-up environment.
 */
class InstanceIdRuleTest {

    @Test
    void noIdAndNoHostnameIsRefusedNamingTheSetting() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> InstanceIdRule.require(instanceId(Map.of())));
        assertTrue(refused.getMessage().startsWith("relocator.instance-id is not set"), refused.getMessage());
        assertTrue(refused.getMessage().contains("RELOCATOR_INSTANCE_ID"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> InstanceIdRule.require(Optional.of("  ")));
    }

    @Test
    void theHostnameIsTheDefaultAndTheSettingWins() {
        assertEquals("worker-0", InstanceIdRule.require(instanceId(Map.of("HOSTNAME", "worker-0"))));
        assertEquals("worker-7", InstanceIdRule.require(instanceId(Map.of("HOSTNAME", "worker-0",
                "RELOCATOR_INSTANCE_ID", "worker-7"))));
    }

    private static Optional<String> instanceId(Map<String, String> env) {
        return WorkerConfigSources.fromEnvironment(env).getConfigMapping(RelocatorConfig.class).instanceId();
    }
}
