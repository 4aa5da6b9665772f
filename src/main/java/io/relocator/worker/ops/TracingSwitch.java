package io.relocator.worker.ops;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Tracing is on when there is somewhere to send it: {@code quarkus.otel.sdk.disabled} defaults to {@code false} when
 * {@code quarkus.otel.exporter.otlp.endpoint} or {@code quarkus.otel.exporter.otlp.traces.endpoint} is set, to
 * {@code true} otherwise. (Quarkus's OTLP exporter has a default endpoint, {@code localhost:4317}, and would log an
 * error for every batch it cannot send there.) At the lowest ordinal: a value set anywhere else wins. Read once, at
 * start-up.
 */
public final class TracingSwitch implements ConfigSourceFactory {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final List<String> ENDPOINTS = List.of("quarkus.otel.exporter.otlp.endpoint",
            "quarkus.otel.exporter.otlp.traces.endpoint");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // Quarkus records the endpoints' documented default (localhost:4317) in a defaults source: only a value set
        // by the deployment counts (application.properties, environment, system properties: ordinal 100 and up)
        boolean exporting = ENDPOINTS.stream().map(context::getValue)
                .anyMatch(value -> value != null && value.getValue() != null && !value.getValue().isBlank()
                        && value.getConfigSourceOrdinal() >= 100);
        return List.of(new PropertiesConfigSource(Map.of(SDK_DISABLED, String.valueOf(!exporting)),
                "relocator-tracing-switch", 1));
    }
}
