package io.relocator.worker.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.MonitoringQueries;
import io.relocator.worker.testing.SimulatedNodesResource;

/**
 * Every metric the Grafana dashboard and the alerting rules under {@code deploy/} query is one the worker exports: a
 * query on a misspelt or renamed metric shows an empty panel, or an alert that can never fire, without any error. The
 * names are taken from each expression and looked up among the sample names of {@code /q/metrics} after the batch
 * {@link OperatorMetricsTest} scrapes too.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
class DashboardMetricsTest extends FlowTestSupport {

    /**
     * Metric families of the fleet-wide scheduler (docs/design.md), which the dashboard and the alerts already query
     * but this branch does not export yet. Allowed to be missing, and said so on stderr each run; remove this list
     * once they are exported (the test fails on a family listed here that is exported).
     */
    private static final Set<String> PENDING_FROM_FLEET_SCHEDULER = Set.of(
            "relocator_scheduler_active",
            "relocator_scheduler_waiting",
            "relocator_scheduler_granted",
            "relocator_node_waiting",
            "relocator_migrations_wait_seconds");

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() {
        Map<String, Set<String>> queriedBy = new TreeMap<>();
        MonitoringQueries.all().forEach((where, expression) -> MonitoringQueries.metricNames(expression)
                .forEach(name -> queriedBy.computeIfAbsent(name, n -> new TreeSet<>()).add(where)));
        assertTrue(queriedBy.size() >= 20, "metric names found in the queries: " + queriedBy.keySet());

        Set<String> exported = sampleNames(MetricsBatch.runAndScrape(bootstrap, port));
        Set<String> exportedFamilies = exported.stream().map(DashboardMetricsTest::family).collect(Collectors.toSet());
        Map<String, Set<String>> missing = new TreeMap<>(queriedBy);
        missing.keySet().removeAll(exported);
        Map<String, Set<String>> pending = new TreeMap<>(missing);
        pending.keySet().retainAll(missing.keySet().stream()
                .filter(name -> PENDING_FROM_FLEET_SCHEDULER.contains(family(name))).toList());
        missing.keySet().removeAll(pending.keySet());

        if (!pending.isEmpty()) {
            System.err.println("""
                    ********************************************************************************
                    WARNING DashboardMetricsTest: queried but NOT exported, allowed only until the fleet
                    scheduler lands (PENDING_FROM_FLEET_SCHEDULER):""");
            pending.forEach((name, where) -> System.err.println("  " + name + "  <- " + where));
            System.err.println("********************************************************************************");
        }
        assertEquals(Map.of(), missing, "metrics queried by the dashboard or the alerts and absent from /q/metrics");
        Set<String> stale = PENDING_FROM_FLEET_SCHEDULER.stream().filter(exportedFamilies::contains)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), stale, "exported now: remove them from PENDING_FROM_FLEET_SCHEDULER");
    }

    /** The names of the samples in a scrape (a histogram's {@code _bucket}, {@code _count} and {@code _sum} each). */
    private static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The metric a histogram's or summary's sample belongs to. */
    private static String family(String sampleName) {
        return sampleName.replaceFirst("_(bucket|count|sum)$", "");
    }
}
