package io.relocator.worker.agent;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relocator.worker.domain.MigrationError;
import io.smallrye.mutiny.Uni;

/**
 * {@code relocator.agent.calls}: every SOAP call sent to an Agent, from sending it to its answer or failure, as a
 * timer with a histogram per node, operation ({@code migrate_v2v}, {@code get_info}, {@code login}, {@code cancel})
 * and outcome: {@code ok}, or the kind of the typed error the call ended with ({@code agent_error},
 * {@code unreachable}, {@code in_doubt}, {@code auth_failed}, {@code internal}). Only nodes of the inventory are
 * called, so they bound the series.
 */
final class AgentCallTimers {

    static final String MIGRATE_V2V = "migrate_v2v";
    static final String GET_INFO = "get_info";
    static final String LOGIN = "login";
    static final String CANCEL = "cancel";

    /**
     * The histogram's buckets ({@code le}), from a login's milliseconds to a migration's hours. Twelve, with
     * {@code +Inf}, per node, operation and outcome: a percentile histogram from 5 ms to 15 minutes had 70, which at
     * 5,000 nodes made each scrape of {@code /q/metrics} tens of megabytes and its timers 2.4 KB of heap per node
     * ({@code docs/benchmarks.md}), and put every migration longer than 15 minutes in {@code +Inf}.
     */
    static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4)};

    private final MeterRegistry registry;

    AgentCallTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * {@code call}, timed from its subscription to its end, recorded on the thread that ends it; a failure's outcome is
     * the code {@code classify} gives it.
     */
    <T> Uni<T> timed(String node, String operation, Function<Throwable, MigrationError> classify, Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return call.onItemOrFailure().invoke((item, failure) -> timer(node, operation,
                    failure == null ? "ok" : classify.apply(failure).code().name().toLowerCase(Locale.ROOT))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        });
    }

    private Timer timer(String node, String operation, String outcome) {
        return Timer.builder("relocator.agent.calls")
                .description("SOAP calls to an Agent, from sending to the answer, by node, operation and outcome")
                .tag("node", node).tag("operation", operation).tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
