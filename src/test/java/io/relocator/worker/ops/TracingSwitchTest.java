package io.relocator.worker.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class TracingSwitchTest {

    @Test
    void withoutAnEndpointTheSdkIsOff() {
        assertEquals("true", sdkDisabled(Map.of()));
    }

    @Test
    void eitherEndpointTurnsItOn() {
        assertEquals("false", sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317")));
        assertEquals("false", sdkDisabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint",
                "http://collector:4318")));
    }

    @Test
    void anEndpointFromADefaultsSourceDoesNotCount() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.otel.exporter.otlp.traces.endpoint",
                        "http://localhost:4317/"), "defaults", Integer.MIN_VALUE + 100))
                .withSources(new TracingSwitch())
                .build();
        assertEquals("true", config.getRawValue("quarkus.otel.sdk.disabled"));
    }

    @Test
    void aValueSetElsewhereWins() {
        assertEquals("false", sdkDisabled(Map.of("quarkus.otel.sdk.disabled", "false")));
        assertEquals("true", sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317",
                "quarkus.otel.sdk.disabled", "true")));
    }

    private static String sdkDisabled(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new TracingSwitch())
                .build();
        return config.getRawValue("quarkus.otel.sdk.disabled");
    }
}
