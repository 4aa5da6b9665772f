package io.relocator.worker.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relocator.worker.domain.MigrationEvent;

/**
 * Counts the migrations whose terminal event was committed: {@code relocator.migrations.ended} by {@code status}
 * (COMPLETED, FAILED) and {@code code} (the error's code, {@code none} without one), and
 * {@code relocator.migrations.duration}, a timer with a histogram of the terminal events' {@code durationMs} (those that
 * called the Agent) by {@code status}. Every method runs on the caller's thread, any thread.
 */
@ApplicationScoped
public class EndedMigrationMeters {

    private final MeterRegistry registry;

    public EndedMigrationMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code terminal} was committed. */
    public void ended(MigrationEvent terminal) {
        String status = terminal.status().name();
        Counter.builder("relocator.migrations.ended")
                .description("Migrations whose terminal event was committed, by status and error code")
                .tag("status", status).tag("code", terminal.error() == null ? "none" : terminal.error().code().name())
                .register(registry).increment();
        if (terminal.durationMs() != null) {
            Timer.builder("relocator.migrations.duration")
                    .description("From the first attempt's start to the terminal event, of migrations that called the Agent")
                    .tag("status", status)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                    .register(registry).record(Duration.ofMillis(terminal.durationMs()));
        }
    }
}
