package io.relocator.worker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The PromQL expressions of the Grafana dashboard and of the alerting rules under {@code deploy/}, and the metric
 * names each one reads. Shared by the test that checks those names against a real scrape and the one that checks the
 * two files' structure, so both look at the same expressions.
 */
public final class MonitoringQueries {

    public static final Path DASHBOARD = Path.of("deploy/grafana/relocator-worker-dashboard.json");
    public static final Path ALERTS = Path.of("deploy/prometheus/relocator-worker-alerts.yaml");

    /** A quoted string of PromQL (label values, regexes): its content is no metric name even when it looks like one. */
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    /** The worker's own metrics and those of its Kafka clients; functions, keywords and labels never start so. */
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:$])(?:relocator|kafka)_[A-Za-z0-9_:]*");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MonitoringQueries() {
    }

    /** Every expression of both files, keyed by where it is (file, then panel title and refId, or alert name). */
    public static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>(ofDashboard(read(DASHBOARD)));
        all.putAll(ofAlerts(read(ALERTS)));
        return all;
    }

    /** The targets of every panel (also of panels inside a collapsed row) and the template variables' queries. */
    public static Map<String, String> ofDashboard(JsonNode dashboard) {
        Map<String, String> expressions = new LinkedHashMap<>();
        collectPanels(dashboard.path("panels"), expressions);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            if ("query".equals(variable.path("type").asText()) && !text.isEmpty()) {
                expressions.put(DASHBOARD + ": variable " + variable.path("name").asText(), text);
            }
        }
        return expressions;
    }

    /** The {@code expr} of every rule of every group, keyed by the alert's (or recording rule's) name. */
    public static Map<String, String> ofAlerts(JsonNode rulesFile) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : rulesFile.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                expressions.put(ALERTS + ": " + group.path("name").asText() + "/" + name, rule.path("expr").asText());
            }
        }
        return expressions;
    }

    /**
     * The {@code relocator_*} and {@code kafka_*} metric names {@code expression} reads, as written: a histogram's
     * {@code _bucket}, a counter's {@code _total} stay on, since those are the sample names a scrape has.
     */
    public static Set<String> metricNames(String expression) {
        Matcher names = METRIC.matcher(STRING.matcher(expression).replaceAll("\"\""));
        Set<String> found = new TreeSet<>();
        while (names.find()) {
            found.add(names.group());
        }
        return found;
    }

    /** A JSON or YAML file as a tree, by its extension. */
    public static JsonNode read(Path file) {
        try {
            return (file.toString().endsWith(".json") ? JSON : YAML).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collectPanels(JsonNode panels, Map<String, String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(DASHBOARD + ": panel \"" + panel.path("title").asText() + "\" "
                        + target.path("refId").asText(), target.path("expr").asText());
            }
            collectPanels(panel.path("panels"), expressions);
        }
    }
}
