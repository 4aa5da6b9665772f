package io.relocator.worker.ops;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.Reconciliation;
import io.relocator.worker.domain.RunObserver;

/**
 * The runs' counters: {@code relocator_migrations_retries_total{code}} (attempts failed with {@code code} and tried
 * again), {@code relocator_reconciliations_total{result}} (verdicts reached by asking the Agents: {@code migrated},
 * {@code not_migrated}, {@code in_doubt}) and {@code relocator_migrations_stalled_total}. Every counter is registered
 * at start-up, so each series exists (at 0) before its first event. Thread-safe: called on whatever thread a run's
 * step ends on.
 */
public final class RunMeters implements RunObserver {

    private final Map<ErrorCode, Counter> retries = new EnumMap<>(ErrorCode.class);
    private final Map<Reconciliation.Verdict, Counter> verdicts = new EnumMap<>(Reconciliation.Verdict.class);
    private final Counter stalled;

    public RunMeters(MeterRegistry registry) {
        for (ErrorCode code : ErrorCode.values()) {
            retries.put(code, Counter.builder("relocator.migrations.retries")
                    .description("Attempts that failed and are tried again after a back-off, by the error of the attempt")
                    .tag("code", code.name()).register(registry));
        }
        for (Reconciliation.Verdict verdict : Reconciliation.Verdict.values()) {
            if (verdict != Reconciliation.Verdict.WAIT) {
                verdicts.put(verdict, Counter.builder("relocator.reconciliations")
                        .description("Verdicts reached by asking the Agents where a container is (after a lost answer,"
                                + " a stalled call or a cancel while the call was out)")
                        .tag("result", verdict.name().toLowerCase(Locale.ROOT)).register(registry));
            }
        }
        this.stalled = Counter.builder("relocator.migrations.stalled")
                .description("Agent calls abandoned as lost answers: out past relocator.agent.stall-timeout while the"
                        + " Agents showed no transition of the container")
                .register(registry);
    }

    @Override
    public void retried(ErrorCode code) {
        retries.get(code).increment();
    }

    @Override
    public void reconciled(Reconciliation.Verdict verdict) {
        Counter counter = verdicts.get(verdict);
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void stalled() {
        stalled.increment();
    }
}
