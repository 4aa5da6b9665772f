package io.relocator.worker.process;

import static io.relocator.worker.testing.RequestPublisher.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

import com.fasterxml.jackson.databind.JsonNode;

import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatorAdmin;
import io.relocator.worker.testing.TopicReader;

/**
 * What the process-level tests share: a real broker started for the test class, the Agent simulator in a JVM of its
 * own (so it outlives the worker and keeps counting calls per container), and workers started from the packaged jar.
 * The nodes' password and the simulator's admin token are made up for the run and reach the processes through their
 * environment only.
 */
abstract class ProcessTestSupport {

    static final List<String> NODES = List.of("hn-01", "hn-02", "hn-03", "hn-04");
    /** Nodes of the simulator no worker is given by default: a test adds them where it needs nodes of its own. */
    static final List<String> SPARE_NODES = List.of("hn-05", "hn-06", "hn-07", "hn-08");
    static final String ACTIVE = "relocator_scheduler_active";
    static final String EVENTS = "migration-events";

    static KafkaBrokerResource broker;
    static AppProcess simulator;
    static SimulatorAdmin admin;
    static String password;
    /** The admin API's password of user {@code admin} for every worker of the run (RELOCATOR_ADMIN_PASSWORD). */
    static final String ADMIN_PASSWORD = UUID.randomUUID() + "-Adm";

    private final List<AppProcess> workers = new ArrayList<>();

    /** Starts the class's own broker and simulator (its log {@code target/it-logs/<class>-simulator.log}). */
    @BeforeAll
    static void startBrokerAndSimulator(TestInfo testClass) {
        broker = new KafkaBrokerResource();
        broker.start();
        password = UUID.randomUUID() + "-Pw";
        String adminToken = UUID.randomUUID() + "-Admin";
        String name = testClass.getTestClass().map(Class::getSimpleName).orElse("process") + "-simulator";
        simulator = AppProcess.start(name, Map.of(
                "kafka.bootstrap.servers", broker.bootstrap(),
                "relocator.worker.enabled", "false",
                "relocator.simulator.enabled", "true",
                "relocator.topics.create", "false",
                "mp.messaging.incoming.requests.enabled", "false"),
                Map.of("RELOCATOR_SIMULATOR_PASSWORD", password, "RELOCATOR_SIMULATOR_ADMIN_TOKEN", adminToken))
                .awaitReady(Duration.ofSeconds(60));
        admin = new SimulatorAdmin(simulator.port(), adminToken);
    }

    @AfterAll
    static void stopBrokerAndSimulator() {
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(AppProcess::close);
    }

    /**
     * Starts a worker (instance id {@code it-worker}: every life of it is the same worker) and waits until it is
     * ready. {@code overrides} add to or replace the defaults.
     */
    AppProcess startWorker(String life, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrap());
        config.put("relocator.instance-id", "it-worker");
        config.put("relocator.concurrency.per-target-node", "2");
        config.put("relocator.reconcile.interval", "PT0.2S");
        config.put("relocator.reconcile.deadline", "PT60S");
        config.put("relocator.reconcile.grace", "PT2S");
        config.put("relocator.retry.initial-backoff", "PT0.2S");
        config.putAll(inventory(NODES));
        config.putAll(overrides);
        AppProcess worker = AppProcess.start(getClass().getSimpleName() + "-" + life, config,
                Map.of("IT_PASSWORD", password, "RELOCATOR_ADMIN_PASSWORD", ADMIN_PASSWORD));
        workers.add(worker);
        return worker.awaitReady(Duration.ofSeconds(60));
    }

    /**
     * The worker's inventory entries for these simulated nodes (startWorker gives every worker those of NODES): each
     * node's Agent is the simulator's, its password the run's, from the worker's environment.
     */
    static Map<String, String> inventory(List<String> nodes) {
        Map<String, String> config = new LinkedHashMap<>();
        for (String node : nodes) {
            String prefix = "relocator.nodes." + node + ".";
            config.put(prefix + "agent-url", "http://127.0.0.1:" + simulator.port() + "/simulator/agents/" + node);
            config.put(prefix + "address", node + ".sim.invalid");
            config.put(prefix + "username", "root");
            config.put(prefix + "password", "${IT_PASSWORD}");
        }
        return config;
    }

    /** Places {@code count} containers, one per request, on sources round the nodes, and publishes the requests. */
    static Map<String, String> publish(String run, int count) {
        return publish(run, count, NODES);
    }

    /**
     * As {@link #publish(String, int)}, round these nodes: request i moves a container from node i to node i + 1
     * (modulo their number).
     */
    static Map<String, String> publish(String run, int count, List<String> nodes) {
        Map<String, String> containerOf = new LinkedHashMap<>();
        Map<String, List<String>> placed = new HashMap<>();
        List<String[]> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String source = nodes.get(i % nodes.size());
            String target = nodes.get((i + 1) % nodes.size());
            String container = UUID.randomUUID().toString();
            String requestId = run + "-" + i;
            containerOf.put(requestId, container);
            placed.computeIfAbsent(source, n -> new ArrayList<>()).add(container);
            requests.add(new String[] {container, request(requestId, container, source, target)});
        }
        placed.forEach(admin::placeContainers);
        try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap())) {
            requests.forEach(r -> publisher.sendAsync(r[0], r[1]));
            publisher.flush();
        }
        return containerOf;
    }

    /** Every event of the run's requests visible to a read_committed consumer now, by requestId, in order. */
    static Map<String, List<PublishedEvent>> committedEvents(String run) {
        try (TopicReader reader = new TopicReader(broker.bootstrap(), EVENTS)) {
            return group(reader.readToEnd(Duration.ofSeconds(30)), run);
        }
    }

    /** Reads (read_committed) until {@code done} holds for the run's events. */
    static Map<String, List<PublishedEvent>> awaitEvents(String run, Predicate<Map<String, List<PublishedEvent>>> done,
            Duration timeout) {
        try (TopicReader reader = new TopicReader(broker.bootstrap(), EVENTS)) {
            return group(reader.readUntil(records -> done.test(group(records, run)), timeout), run);
        }
    }

    /** The requests that have a terminal event. */
    static Set<String> ended(Map<String, List<PublishedEvent>> events) {
        return events.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(PublishedEvent::isTerminal))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** The requests that have a STARTED event but no terminal event yet. */
    static Set<String> running(Map<String, List<PublishedEvent>> events) {
        Set<String> ended = ended(events);
        return events.keySet().stream().filter(id -> !ended.contains(id)).collect(Collectors.toSet());
    }

    static long terminalCount(Map<String, List<PublishedEvent>> events) {
        return events.values().stream().flatMap(List::stream).filter(PublishedEvent::isTerminal).count();
    }

    static Map<String, Long> terminalsPerRequest(Map<String, List<PublishedEvent>> events) {
        return events.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().filter(PublishedEvent::isTerminal).count()));
    }

    /**
     * What a run came to, against the guarantees: requests without a terminal event, requests with more than one,
     * migrate calls beyond one per container, and terminal events established by asking the Agents.
     */
    record Tally(Set<String> lostIds, Set<String> duplicatedIds, int resent, long reconciled) {

        static Tally of(Map<String, String> containerOf, Map<String, List<PublishedEvent>> events,
                Map<String, Integer> calls) {
            Map<String, Long> terminals = terminalsPerRequest(events);
            return new Tally(
                    containerOf.keySet().stream().filter(id -> terminals.getOrDefault(id, 0L) == 0)
                            .collect(Collectors.toCollection(TreeSet::new)),
                    terminals.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                            .collect(Collectors.toCollection(TreeSet::new)),
                    containerOf.values().stream().mapToInt(c -> Math.max(0, calls.getOrDefault(c, 0) - 1)).sum(),
                    events.values().stream().flatMap(List::stream)
                            .filter(e -> e.isTerminal() && e.body().path("reconciled").asBoolean()).count());
        }

        long lost() {
            return lostIds.size();
        }

        long duplicated() {
            return duplicatedIds.size();
        }

        /** No request without a terminal event, none with two (the message names them). */
        void assertNoneLostOrDuplicated() {
            assertEquals(Set.of(), lostIds, "every request has a terminal event");
            assertEquals(Set.of(), duplicatedIds, "no request has two terminal events");
        }

        void addTo(Map<String, Object> figures) {
            figures.put("lost", lost());
            figures.put("duplicated terminal events (read_committed)", duplicated());
            figures.put("re-sent migrations", resent);
            figures.put("reconciled", reconciled);
        }
    }

    /** Migrate calls the simulator received per container. */
    static Map<String, Integer> callsPerContainer() {
        JsonNode calls = admin.stats().path("containerMigrateCalls");
        Map<String, Integer> counts = new HashMap<>();
        calls.fieldNames().forEachRemaining(container -> counts.put(container, calls.path(container).asInt()));
        return counts;
    }

    /** One of the simulator's per-node counters ({@code peakIn}, {@code peakOut}, ...) for every node it knows. */
    static Map<String, Integer> perNode(String counter) {
        JsonNode nodes = admin.stats().path("nodes");
        Map<String, Integer> values = new TreeMap<>();
        nodes.fieldNames().forEachRemaining(node -> values.put(node, nodes.path(node).path(counter).asInt()));
        return values;
    }

    /** The most migrations the simulator saw in flight at once on all its nodes together. */
    static int fleetPeak() {
        JsonNode peak = admin.stats().path("fleet").path("peak");
        if (!peak.isInt()) {
            throw new AssertionError("the simulator's stats carry no fleet.peak");
        }
        return peak.asInt();
    }

    /** Writes the run's figures to target/it-figures/NAME.txt (the README quotes them) and to the test output. */
    static void figures(String name, Map<String, Object> figures) {
        String text = figures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        System.out.print("[" + name + "]\n" + text);
        try {
            Path dir = Files.createDirectories(Path.of("target", "it-figures"));
            Files.writeString(dir.resolve(name + ".txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<PublishedEvent>> group(List<ConsumerRecord<byte[], byte[]>> records, String run) {
        Map<String, List<PublishedEvent>> byRequest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PublishedEvent event = PublishedEvent.of(record);
            if (event.requestId().startsWith(run + "-")) {
                byRequest.computeIfAbsent(event.requestId(), id -> new ArrayList<>()).add(event);
            }
        }
        return byRequest;
    }

    /**
     * Waits until exactly one of the workers reports {@code relocator_scheduler_active} 1 and every other one 0, and
     * returns that one; the failure names what each reported last.
     */
    static AppProcess awaitSoleHolder(List<AppProcess> workers, Duration timeout) {
        AtomicReference<AppProcess> holder = new AtomicReference<>();
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, String> reported = new LinkedHashMap<>();
            List<AppProcess> active = new ArrayList<>();
            long idle = 0;
            for (AppProcess worker : workers) {
                OptionalDouble value = worker.metric(ACTIVE);
                reported.put(worker.name(), value.isPresent() ? String.valueOf(value.getAsDouble()) : "absent");
                if (value.isPresent() && value.getAsDouble() == 1.0) {
                    active.add(worker);
                } else if (value.isPresent() && value.getAsDouble() == 0.0) {
                    idle++;
                }
            }
            assertTrue(active.size() == 1 && idle == workers.size() - 1,
                    ACTIVE + " is 1 on exactly one worker and 0 on the others; they report " + reported);
            holder.set(active.get(0));
        });
        return holder.get();
    }

    /** No node took more than {@code perNode} migrations at once, nor sent more (peaks counted at the simulator). */
    static void assertNodeBounds(Map<String, Integer> peakIn, Map<String, Integer> peakOut, int perNode) {
        peakIn.forEach((node, peak) -> assertTrue(peak <= perNode,
                "peak incoming per node " + peakIn + ": " + node + " took " + peak + " at once, bound " + perNode));
        peakOut.forEach((node, peak) -> assertTrue(peak <= perNode,
                "peak outgoing per node " + peakOut + ": " + node + " sent " + peak + " at once, bound " + perNode));
    }
}
