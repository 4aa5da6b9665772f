package io.relocator.worker.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.simulator.SimulatorConfig;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;

/**
 * The configuration names the worker really reads, and whether an environment variable names one of them. The names
 * come from the code, never from a list kept here:
 * <ul>
 * <li>{@code relocator.*}: every property path of the {@code @ConfigMapping} interfaces {@link RelocatorConfig} and
 * {@link SimulatorConfig} ({@link ConfigMappings#getProperties}, no Quarkus boot); a map key ({@code *}) is the
 * quoted environment form {@code __HN_01__} that the README documents;</li>
 * <li>{@code kafka.*}: the Kafka clients' own settings (Quarkus hands every {@code kafka.*} property to them);</li>
 * <li>every key {@code application.properties} sets (a variable overrides it), and for each channel declared there
 * its {@code enabled} switch and the consumer settings;</li>
 * <li>the variables the image's entrypoint expands ({@code $JAVA_OPTS} in {@code src/main/docker/Dockerfile}): not
 * config keys, but read all the same.</li>
 * </ul>
 * The environment form is SmallRye Config's: every character but a letter or digit becomes {@code _}, upper case.
 */
final class ConfigNames {

    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile");

    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.connector");
    private static final Pattern EXPANDED = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)");
    /** A map key in environment form: the quoted key, {@code "hn-01"} -> {@code __HN_01__} with the separators. */
    private static final String MAP_KEY = "_[A-Z0-9_]+_";

    /** Each property path with its environment form. */
    private final Map<String, Pattern> environmentForms = new TreeMap<>();
    private final Set<String> entrypointVariables;

    private ConfigNames(Set<String> entrypointVariables) {
        this.entrypointVariables = entrypointVariables;
    }

    static ConfigNames ofTheWorker() {
        ConfigNames names = new ConfigNames(entrypointVariables(DOCKERFILE));
        names.addAll(ConfigMappings.getProperties(ConfigClass.configClass(RelocatorConfig.class, "relocator")).keySet());
        names.addAll(ConfigMappings.getProperties(ConfigClass.configClass(SimulatorConfig.class, "relocator.simulator"))
                .keySet());
        Stream.of(ProducerConfig.configNames(), ConsumerConfig.configNames(), AdminClientConfig.configNames())
                .flatMap(Set::stream).forEach(name -> names.add("kafka." + name));
        Properties application = applicationProperties();
        for (String key : application.stringPropertyNames()) {
            if (key.startsWith("%")) {
                continue; // a profile's key; its unprofiled name is what a variable sets
            }
            names.add(key);
            Matcher channel = CHANNEL.matcher(key);
            if (channel.matches()) {
                String prefix = "mp.messaging.incoming." + channel.group(1) + ".";
                names.add(prefix + "enabled");
                ConsumerConfig.configNames().forEach(name -> names.add(prefix + name));
            }
        }
        return names;
    }

    /** Whether {@code variable} sets a configuration name the worker reads, or a variable its entrypoint expands. */
    boolean isRead(String variable) {
        return entrypointVariables.contains(variable) || property(variable).isPresent();
    }

    /** The property path (with {@code *} for map keys) that {@code variable} sets, if any. */
    Optional<String> property(String variable) {
        return environmentForms.entrySet().stream().filter(form -> form.getValue().matcher(variable).matches())
                .map(Map.Entry::getKey).findFirst();
    }

    Set<String> entrypointVariables() {
        return entrypointVariables;
    }

    private void addAll(Set<String> names) {
        names.forEach(this::add);
    }

    private void add(String name) {
        String path = name.replace("[*]", ""); // a list is one comma-separated variable
        environmentForms.computeIfAbsent(path, ConfigNames::environmentForm);
    }

    /** {@code relocator.nodes.*.agent-url} -> {@code RELOCATOR_NODES_(_[A-Z0-9_]+_)_AGENT_URL}. */
    static Pattern environmentForm(String propertyPath) {
        StringBuilder regex = new StringBuilder();
        for (char c : propertyPath.toCharArray()) {
            if (c == '*') {
                regex.append(MAP_KEY);
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(Character.toUpperCase(c));
            } else {
                regex.append('_');
            }
        }
        return Pattern.compile(regex.toString());
    }

    static Properties applicationProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The variables the ENTRYPOINT (or CMD) of the final stage expands. */
    static Set<String> entrypointVariables(Path dockerfile) {
        try {
            Set<String> variables = new TreeSet<>();
            for (String line : Files.readAllLines(dockerfile)) {
                if (line.startsWith("ENTRYPOINT") || line.startsWith("CMD")) {
                    Matcher m = EXPANDED.matcher(line);
                    while (m.find()) {
                        variables.add(m.group(1));
                    }
                }
            }
            return variables;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
