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

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() {
        Map<String, Set<String>> queriedBy = new TreeMap<>();
        MonitoringQueries.all().forEach((where, expression) -> MonitoringQueries.metricNames(expression)
                .forEach(name -> queriedBy.computeIfAbsent(name, n -> new TreeSet<>()).add(where)));
        assertTrue(queriedBy.size() >= 20, "metric names found in the queries: " + queriedBy.keySet());

        Set<String> exported = sampleNames(MetricsBatch.runAndScrape(bootstrap, port));
        Map<String, Set<String>> missing = new TreeMap<>(queriedBy);
        missing.keySet().removeAll(exported);
        assertEquals(Map.of(), missing, "metrics queried by the dashboard or the alerts and absent from /q/metrics");
    }

    /** The names of the samples in a scrape (a histogram's {@code _bucket}, {@code _count} and {@code _sum} each). */
    private static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

}
