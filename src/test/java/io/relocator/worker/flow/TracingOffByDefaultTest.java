package io.relocator.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.ConfigValue;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The application as the other flow tests run it, with no OTLP endpoint set: the OpenTelemetry SDK is off, by the
 * worker's {@code TracingSwitch} (Quarkus would otherwise export to its default endpoint and log every failure).
 */
@QuarkusTest
class TracingOffByDefaultTest {

    @Test
    void withoutAnOtlpEndpointTheSdkIsOff() {
        ConfigValue disabled = ConfigProvider.getConfig().getConfigValue("quarkus.otel.sdk.disabled");
        assertEquals("true", disabled.getValue());
        assertEquals("relocator-tracing-switch", disabled.getSourceName().replaceAll(".*source=([^\\]]*)].*", "$1"));
    }
}
