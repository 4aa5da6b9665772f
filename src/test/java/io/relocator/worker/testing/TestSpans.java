package io.relocator.worker.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * The spans the application ends, kept in memory for the tests that look at them (Quarkus adds every
 * {@code SpanExporter} bean to its tracer provider). Spans are made only where tracing is on (the tracing profile):
 * elsewhere the SDK is off and this stays empty.
 */
@Singleton
public class TestSpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
