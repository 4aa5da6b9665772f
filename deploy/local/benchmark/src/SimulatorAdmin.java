import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Agent simulator's admin API (/simulator/admin, in the simulator JVM): it places containers on nodes before a
 * run, sets a node's latency, and reports per-node counts (logins, migrations in and in flight, peaks). Every call
 * carries the simulator's admin token, which run-benchmark.sh makes up for the run and passes in BENCH_ADMIN_TOKEN.
 */
final class SimulatorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Containers per placing call, so one call's JSON stays small even for a 10,000-request backlog. */
    private static final int PLACE_BATCH = 2000;

    private final String url;
    private final String authorization = "Bearer " + adminToken();

    SimulatorAdmin(String url) {
        this.url = url;
    }

    private static String adminToken() {
        String token = System.getenv("BENCH_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("BENCH_ADMIN_TOKEN is not set (run-benchmark.sh sets it)");
        }
        return token;
    }

    void awaitUp(int seconds) throws InterruptedException {
        LocalHttp.awaitOk(url + "/simulator/admin/stats", seconds, "Authorization", authorization);
    }

    /** The SOAP endpoint of one simulated node's Agent. */
    String agentUrl(String node) {
        return url + "/simulator/agents/" + node;
    }

    /** Puts every request's container on its source node, so that its migration can succeed. */
    void place(List<Request> requests) throws Exception {
        Map<String, List<String>> bySource = new LinkedHashMap<>();
        for (Request r : requests) {
            bySource.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r.container());
        }
        for (var e : bySource.entrySet()) {
            List<String> eids = e.getValue();
            for (int from = 0; from < eids.size(); from += PLACE_BATCH) {
                String body = JSON.writeValueAsString(Map.of("containers", eids.subList(from,
                        Math.min(eids.size(), from + PLACE_BATCH))));
                HttpResponse<String> r = LocalHttp.send(HttpRequest.newBuilder(
                        URI.create(url + "/simulator/admin/nodes/" + e.getKey() + "/containers"))
                        .header("Content-Type", "application/json").header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
                if (r.statusCode() != 204) {
                    throw new IllegalStateException("placing containers failed: " + r.statusCode() + " " + r.body());
                }
            }
        }
    }

    void setLatency(String node, long millis) throws Exception {
        HttpResponse<String> r = LocalHttp.send(HttpRequest.newBuilder(
                URI.create(url + "/simulator/admin/nodes/" + node + "/latency"))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"millis\":" + millis + "}")).build());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("setting latency failed: " + r.statusCode());
        }
    }

    /** The per-node counts, by node id. */
    JsonNode nodes() throws Exception {
        return JSON.readTree(LocalHttp.get(url + "/simulator/admin/stats", "Authorization", authorization)).path("nodes");
    }

    /** Waits until the worker has logged in to every node whose id starts with the prefix (the simulator counts). */
    /** Whether every one of {@code nodes} nodes named {@code prefix}* had a login within {@code seconds}. */
    boolean awaitLogins(String prefix, int nodes, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            int loggedIn = 0;
            for (var n : nodes().properties()) {
                if (n.getKey().startsWith(prefix) && n.getValue().path("loginCalls").asLong() > 0) {
                    loggedIn++;
                }
            }
            if (loggedIn >= nodes) {
                return true;
            }
            Thread.sleep(100);
        }
        Console.log("not every node was logged in after %d s", seconds);
        return false;
    }
}
