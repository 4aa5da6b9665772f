import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worker's relocator_scheduler_* gauges scraped from its Prometheus endpoint /q/metrics (text format, one
 * sample a line; the labels are dropped, as each of these gauges has one series).
 */
final class WorkerGauges {

    static final String IN_FLIGHT = "relocator_scheduler_in_flight";
    /** Requests waiting for slots at the fleet's scheduler (every worker follows its state, so each reports it). */
    static final String WAITING = "relocator_scheduler_waiting";

    private WorkerGauges() {
    }

    /** Waits until the worker's HTTP side is up: its metrics answer. */
    static void awaitUp(String worker, int seconds) throws InterruptedException {
        LocalHttp.awaitOk(worker + "/q/metrics", seconds);
    }

    /** The gauges by name; empty while the worker does not answer. */
    static Map<String, Double> read(String worker) {
        Map<String, Double> g = new LinkedHashMap<>();
        try {
            for (String line : LocalHttp.get(worker + "/q/metrics").split("\n")) {
                if (line.startsWith("relocator_scheduler_")) {
                    String[] parts = line.split(" ");
                    String name = parts[0].replaceAll("\\{.*", "");
                    g.put(name, Double.parseDouble(parts[parts.length - 1]));
                }
            }
        } catch (Exception e) {
            // not up
        }
        return g;
    }
}
