import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One migration the benchmark asks for: published as a request (or, in the direct run, sent as a call), its
 * container placed on the source node at the simulator first. Every request moves a container of its own.
 */
record Request(String id, String container, String source, String target) {

    static Request between(String id, String source, String target) {
        return new Request(id, UUID.randomUUID().toString(), source, target);
    }

    /**
     * {@code n} requests over the nodes: request i leaves node i mod nodes for a target that moves on by one every
     * round and is never the source, so each node sends and receives about as many (the direct and overhead runs).
     */
    static List<Request> spread(String idPrefix, int n, List<String> nodes) {
        int count = nodes.size();
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int s = i % count;
            int t = (s + 1 + (i / count) % (count - 1)) % count;
            requests.add(between(idPrefix + i, nodes.get(s), nodes.get(t)));
        }
        return requests;
    }

    /** The simulated nodes' ids as run-benchmark.sh's nodes_named writes them into the inventory: hn-0001... */
    static List<String> nodeIds(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(String.format("%s-%04d", prefix, i));
        }
        return ids;
    }
}
