package io.relocator.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.relocator.worker.simulator.SimulatorConfig;
import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;

/**
 * The configuration reference (docs/configuration.md) against the configuration mapping itself, read with
 * {@link ConfigMappings#getProperties} (no Quarkus boot): no key documented that does not exist, no key missing, and
 * where the page gives a literal default, the mapping's. A map key is written {@code <id>} on the page and {@code *}
 * in the mapping. Plain logic over two files; it fails naming every difference at once.
 */
class ConfigReferenceTest {

    private static final Path REFERENCE = Path.of("docs/configuration.md");
    /** A table row of the reference: the key in backticks, then the default column. */
    private static final Pattern ROW = Pattern.compile("^\\| `(relocator\\.[^`]+)` \\|\\s*([^|]*?)\\s*\\|",
            Pattern.MULTILINE);
    private static final Pattern LITERAL = Pattern.compile("^`([^`]*)`$");

    @Test
    void everyKeyDocumentedExistsAndEveryKeyIsDocumentedWithItsDefault() throws IOException {
        Map<String, Property> mapping = new TreeMap<>();
        for (ConfigClass root : List.of(ConfigClass.configClass(RelocatorConfig.class, "relocator"),
                ConfigClass.configClass(SimulatorConfig.class, "relocator.simulator"))) {
            // a list's elements ("key[*]") are documented with the list itself
            ConfigMappings.getProperties(root).forEach((key, property) -> mapping.merge(key.replace("[*]", ""),
                    property, (one, other) -> one.hasDefaultValue() ? one : other));
        }
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(REFERENCE));
        while (row.find()) {
            documented.put(normalised(row.group(1)), row.group(2).trim());
        }
        assertTrue(documented.size() > 20, "the reference's tables were not found in " + REFERENCE);

        Set<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeAll(mapping.keySet());
        Set<String> undocumented = new TreeSet<>(mapping.keySet());
        undocumented.removeAll(documented.keySet());
        List<String> wrongDefaults = new ArrayList<>();
        documented.forEach((key, given) -> {
            Property property = mapping.get(key);
            Matcher literal = LITERAL.matcher(given);
            if (property != null && property.hasDefaultValue() && literal.matches()
                    && !literal.group(1).equals(property.getDefaultValue())) {
                wrongDefaults.add(key + ": documented `" + literal.group(1) + "`, mapping `"
                        + property.getDefaultValue() + "`");
            }
        });
        assertEquals(List.of(), List.of(unknown, undocumented, wrongDefaults).stream()
                .filter(problems -> !problems.isEmpty()).toList(),
                "documented but not in the mapping " + unknown + "; in the mapping but not documented " + undocumented
                        + "; defaults that differ " + wrongDefaults);
    }

    /** {@code relocator.nodes.<id>.port} -> {@code relocator.nodes.*.port}, the mapping's form of a map key. */
    private static String normalised(String documentedKey) {
        return documentedKey.replaceAll("<[^>]+>", "*");
    }
}
