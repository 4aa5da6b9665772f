// The demo's client side, run by run-demo.sh as a single-file program (java -cp <kafka jars> DemoRun.java ...).
// It places containers on the simulated nodes, publishes a batch of MigrationRequests (one fails on purpose: its
// container is not on its source node), prints every MigrationEvent as it arrives and ends with a per-node summary.
// Everything it talks to is on 127.0.0.1. The simulator's admin token comes from the environment run-demo.sh made
// up for the run (RELOCATOR_SIMULATOR_ADMIN_TOKEN, shared with the worker), never from an argument.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class DemoRun {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN_AUTHORIZATION = "Bearer " + adminToken();

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String simulator = args[1];
        List<String> nodes = List.of(args[2].split(","));
        int bound = Integer.parseInt(args[3]);
        int perNode = args.length > 4 ? Integer.parseInt(args[4]) : 6;
        String run = "demo-" + Long.toString(System.currentTimeMillis(), 36);

        awaitSimulator(simulator);
        List<String> requests = publishBatch(bootstrap, simulator, nodes, perNode, run);
        Map<String, int[]> outcomes = followEvents(bootstrap, run, requests.size());
        printSummary(simulator, nodes, bound, outcomes);
    }

    static void awaitSimulator(String simulator) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (admin(simulator + "/simulator/admin/stats").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // the worker is still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the worker did not start in 60 s; see target/demo/worker.log");
    }

    static List<String> publishBatch(String bootstrap, String simulator, List<String> nodes, int perNode, String run)
            throws Exception {
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
            for (int i = 0; i < nodes.size() * perNode; i++) {
                String source = nodes.get(i % nodes.size());
                String target = nodes.get((i + 1 + i / nodes.size() % (nodes.size() - 1)) % nodes.size());
                String container = UUID.randomUUID().toString();
                place(simulator, source, container);
                ids.add(send(producer, run + "-" + i, container, source, target));
            }
            // On purpose: this container exists on no node, so the source Agent answers with an error.
            ids.add(send(producer, run + "-fails", UUID.randomUUID().toString(), nodes.get(0), nodes.get(1)));
            producer.flush();
        }
        System.out.printf("Published %d requests (run %s); %d will fail on purpose.%n%n", ids.size(), run, 1);
        return ids;
    }

    static String send(KafkaProducer<String, String> producer, String id, String container, String source,
            String target) throws Exception {
        String value = JSON.writeValueAsString(Map.of("requestId", id, "containerId", container, "sourceNode", source,
                "targetNode", target, "requestedBy", "run-demo.sh", "reason", "demo"));
        producer.send(new ProducerRecord<>("migration-requests", container, value)).get();
        return id;
    }

    static Map<String, int[]> followEvents(String bootstrap, String run, int expected) {
        Map<String, int[]> perTarget = new TreeMap<>(); // node -> {completed, failed}
        int terminal = 0;
        Instant deadline = Instant.now().plusSeconds(300);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
            consumer.subscribe(List.of("migration-events"));
            while (terminal < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = read(record.value());
                    if (!event.path("requestId").asText().startsWith(run)) {
                        continue;
                    }
                    print(event);
                    String status = event.path("status").asText();
                    if (status.equals("COMPLETED") || status.equals("FAILED")) { // not STARTED nor a RUNNING heartbeat
                        terminal++;
                        perTarget.computeIfAbsent(event.path("targetNode").asText(), n -> new int[2])
                                [status.equals("COMPLETED") ? 0 : 1]++;
                    }
                }
            }
        }
        if (terminal < expected) {
            System.out.printf("%nOnly %d of %d requests ended within 300 s.%n", terminal, expected);
        }
        return perTarget;
    }

    static void print(JsonNode e) {
        String line = String.format("%s  %-9s %-22s %s -> %s  attempt %d", e.path("occurredAt").asText(),
                e.path("status").asText(), e.path("requestId").asText(), e.path("sourceNode").asText(),
                e.path("targetNode").asText(), e.path("attempt").asInt());
        if (e.has("durationMs")) {
            line += "  " + e.path("durationMs").asLong() + " ms";
        }
        if (e.has("error")) {
            JsonNode error = e.path("error");
            line += "  " + error.path("code").asText() + " (agentCode " + error.path("agentCode").asText("-") + "): "
                    + error.path("message").asText();
        }
        System.out.println(line);
    }

    static void printSummary(String simulator, List<String> nodes, int bound, Map<String, int[]> outcomes)
            throws Exception {
        JsonNode stats = read(admin(simulator + "/simulator/admin/stats").body()).path("nodes");
        System.out.printf("%n%-8s %10s %7s %16s%n", "node", "completed", "failed", "peak incoming");
        for (String node : nodes) {
            int[] counts = outcomes.getOrDefault(node, new int[2]);
            int peak = stats.path(node).path("peakIn").asInt();
            System.out.printf("%-8s %10d %7d %11d of %d%s%n", node, counts[0], counts[1], peak, bound,
                    peak > bound ? "  BOUND EXCEEDED" : "");
        }
    }

    static void place(String simulator, String node, String container) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(simulator + "/simulator/admin/nodes/" + node + "/containers/" + container))
                .header("Authorization", ADMIN_AUTHORIZATION)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("could not place a container on " + node + ": " + response.statusCode());
        }
    }

    /** A GET of the simulator's admin view, with its token. */
    static HttpResponse<String> admin(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", ADMIN_AUTHORIZATION).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static String adminToken() {
        String token = System.getenv("RELOCATOR_SIMULATOR_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("RELOCATOR_SIMULATOR_ADMIN_TOKEN is not set (run-demo.sh sets it)");
        }
        return token;
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    static Properties producerConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    static Properties consumerConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
}
