package io.relocator.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRuleSpec;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.relocator.worker.testing.MonitoringQueries;

/**
 * The structure of the Grafana dashboard and of the alerting rules (that their metrics are exported is
 * DashboardMetricsTest's part): what Grafana's import and an on-call reader rely on. Not a @QuarkusTest: nothing here
 * needs the application running.
 */
class DashboardAndAlertsTest {

    private static final Set<String> SEVERITIES = Set.of("warning", "critical");

    @Test
    void theDashboardHasUniquePanelIdsAndTakesItsDatasourceAsAnInput() {
        JsonNode dashboard = MonitoringQueries.read(MonitoringQueries.DASHBOARD);
        assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").path(0).path("name").asText(), "__inputs");
        List<JsonNode> panels = new ArrayList<>();
        collect(dashboard.path("panels"), panels);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertTrue(panel.path("id").isInt(), "panel without an id: " + title);
            assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " twice (" + title + ")");
            if (!"row".equals(panel.path("type").asText())) {
                assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(), title + " datasource");
                assertFalse(panel.path("targets").isEmpty(), title + " has no query");
                panel.path("targets").forEach(target -> assertFalse(target.path("expr").asText().isBlank(),
                        title + " " + target.path("refId").asText() + " has an empty expr"));
            }
        }
        assertTrue(ids.size() >= 20, "panels: " + ids.size());
    }

    @Test
    void everyAlertSaysHowSevereItIsAndWhatItMeans() {
        PrometheusRuleSpec rules = StrictManifests.readAs(MonitoringQueries.ALERTS, PrometheusRuleSpec.class);
        Set<String> names = new HashSet<>();
        rules.getGroups().forEach(group -> group.getRules().forEach(rule -> {
            assertTrue(rule.getAlert() != null && names.add(rule.getAlert()), "alert name missing or twice: " + rule);
            assertTrue(rule.getLabels() != null && SEVERITIES.contains(rule.getLabels().get("severity")),
                    rule.getAlert() + ": severity label not one of " + SEVERITIES);
            for (String annotation : List.of("summary", "description")) {
                assertTrue(rule.getAnnotations() != null && !isBlank(rule.getAnnotations().get(annotation)),
                        rule.getAlert() + ": no " + annotation + " annotation");
            }
            assertFalse(isBlank(expr(rule)), rule.getAlert() + ": no expr");
        }));
        assertTrue(names.containsAll(Set.of("RelocatorNodeCircuitOpen", "RelocatorNoActiveScheduler",
                "RelocatorSeveralActiveSchedulers", "RelocatorTransactionsFailing")), "alerts: " + names);
    }

    @Test
    void thePrometheusRuleOfTheBaseHoldsExactlyTheRulesFile() {
        PrometheusRuleSpec file = StrictManifests.readAs(MonitoringQueries.ALERTS, PrometheusRuleSpec.class);
        assertEquals(file, Deployment.baseFiles().one(PrometheusRule.class).getSpec(),
                "deploy/kubernetes/base/prometheusrule.yaml spec against " + MonitoringQueries.ALERTS);
    }

    @Test
    void metricNamesAreReadFromExpressionsButNotFromLabelsOrStrings() {
        assertEquals(Set.of("relocator_agent_calls_seconds_bucket"), MonitoringQueries.metricNames(
                "histogram_quantile(0.95, sum by (le, node) (rate(relocator_agent_calls_seconds_bucket"
                        + "{node=~\"$node\", client_id=\"relocator_x\"}[$__rate_interval])))"));
        assertEquals(Set.of("kafka_producer_record_error_total", "relocator_scheduler_active"),
                MonitoringQueries.metricNames("absent(relocator_scheduler_active) or "
                        + "increase(kafka_producer_record_error_total{client_id=~'relocator_.*'}[5m]) > 0"));
    }

    private static void collect(JsonNode panels, List<JsonNode> into) {
        for (JsonNode panel : panels) {
            into.add(panel);
            collect(panel.path("panels"), into);
        }
    }

    private static String expr(Rule rule) {
        return rule.getExpr() == null ? null : rule.getExpr().getStrVal();
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
