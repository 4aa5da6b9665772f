package io.relocator.worker.testing;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.simulator.SimulatorConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The worker's config mappings read from environment variables as at start-up, without booting Quarkus: its
 * expressions, and the converters Quarkus registers for the types the mappings use ({@code Duration},
 * {@code MemorySize}). One place, so that a new type in the mappings is added once for every test that reads them.
 */
public final class WorkerConfigSources {

    private WorkerConfigSources() {
    }

    public static SmallRyeConfig fromEnvironment(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withMapping(RelocatorConfig.class)
                .withMapping(SimulatorConfig.class)
                .build();
    }
}
