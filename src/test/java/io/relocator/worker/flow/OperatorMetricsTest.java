package io.relocator.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.SimulatedNodesResource;

/**
 * The metrics docs/operations.md lists for an operator, scraped from {@code /q/metrics} as Prometheus would after a
 * small batch ({@link MetricsBatch}: migrations that complete and one the Agent refuses): each is there with the
 * documented tags.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class OperatorMetricsTest extends FlowTestSupport {

    /** relocator.instance-id in the test profile. */
    private static final String INSTANCE = "relocator-test";

    @Test
    void aBatchLeavesEveryDocumentedMetricWithItsTags() {
        String metrics = MetricsBatch.runAndScrape(bootstrap, port);
        // the Kafka clients the worker builds itself
        assertSample(metrics, "kafka_producer_record_send_total", Map.of("client_id", "relocator-transactions-" + INSTANCE));
        assertSample(metrics, "kafka_producer_record_send_total", Map.of("client_id", "relocator-scheduler-" + INSTANCE));
        assertSample(metrics, "kafka_consumer_", Map.of("client_id", "relocator-fleet-view"));
        assertSample(metrics, "relocator_scheduler_active", Map.of());
        assertSample(metrics, "kafka_consumer_", Map.of("client_id", "relocator-outcome-store"));
        assertSample(metrics, "kafka_admin_client_", Map.of("client_id", "relocator-outcome-store-admin"));
        // Agent calls, with a histogram
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-01", "operation", "migrate_v2v", "outcome", "ok"));
        assertSample(metrics, "relocator_agent_calls_seconds_bucket",
                Map.of("node", "hn-01", "operation", "migrate_v2v", "outcome", "ok", "le", "+Inf"));
        assertEquals(List.of("0.01", "0.05", "0.25", "1.0", "5.0", "30.0", "60.0", "300.0", "900.0", "3600.0",
                "14400.0", "+Inf"), buckets(metrics, "relocator_agent_calls_seconds_bucket",
                        Map.of("node", "hn-01", "operation", "migrate_v2v", "outcome", "ok")),
                "the documented buckets of an Agent call's histogram");
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-02", "operation", "migrate_v2v", "outcome", "agent_error"));
        assertSample(metrics, "relocator_agent_calls_seconds_count",
                Map.of("node", "hn-01", "operation", "login", "outcome", "ok"));
        // migrations by outcome, and how long they took
        assertSample(metrics, "relocator_migrations_ended_total", MetricsBatch.COMPLETED);
        assertSample(metrics, "relocator_migrations_ended_total", MetricsBatch.REFUSED);
        assertSample(metrics, "relocator_migrations_duration_seconds_bucket", Map.of("status", "COMPLETED", "le", "+Inf"));
        assertSample(metrics, "relocator_migrations_duration_seconds_count", Map.of("status", "FAILED"));
    }

    /** The {@code le} of every bucket of one series, in the order scraped. */
    private static List<String> buckets(String metrics, String name, Map<String, String> tags) {
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        return metrics.lines().filter(line -> line.startsWith(name + "{") && MetricsBatch.hasAll(line, tags))
                .map(le::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    /** Some sample whose name starts with {@code namePrefix} carries every one of {@code tags}. */
    private static void assertSample(String metrics, String namePrefix, Map<String, String> tags) {
        boolean found = metrics.lines().filter(line -> line.startsWith(namePrefix))
                .anyMatch(line -> MetricsBatch.hasAll(line, tags));
        assertTrue(found, () -> "no " + namePrefix + "* sample with " + tags + " in /q/metrics; its "
                + namePrefix + " lines: " + metrics.lines().filter(line -> line.startsWith(namePrefix)).limit(20).toList());
    }
}
