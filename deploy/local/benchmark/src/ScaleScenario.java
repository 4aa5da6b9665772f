import java.util.ArrayList;
import java.util.List;

/**
 * scale: 500 nodes x bound 4 with 5 s migrations, a backlog of 24 requests per target node. Does the worker keep
 * nodes x bound migrations in flight without a thread each, at the rate the bound allows, and how fast does it start?
 */
final class ScaleScenario {

    private ScaleScenario() {
    }

    static void run(Options o) throws Exception {
        SimulatorAdmin sim = new SimulatorAdmin(o.get("sim"));
        int nodes = o.getInt("nodes", 500);
        int rounds = o.getInt("rounds", 24); // requests per target node
        int ideal = nodes * o.getInt("bound", 4);
        long launched = Long.parseLong(o.get("launched"));
        WorkerProbe probe = new WorkerProbe(Long.parseLong(o.get("pid")));
        sim.awaitUp(60);
        WorkerGauges.awaitUp(o.get("worker"), 300);
        long httpUp = System.currentTimeMillis();
        sim.awaitLogins("hn-", nodes, 300);
        long loggedIn = System.currentTimeMillis();
        Console.result("scale.startup_http_ms", httpUp - launched);
        Console.result("scale.startup_all_logged_in_ms", loggedIn - launched);
        Console.result("scale.idle_threads", probe.threads());
        Console.result("scale.group_stable_wait_ms",
                KafkaLookups.awaitAssigned(o.get("bootstrap"), o.get("group"), o.get("requests"), 60));
        Console.log("worker up after %d ms, %d logins done after %d ms", httpUp - launched, nodes, loggedIn - launched);

        List<Request> reqs = backlog(Request.nodeIds("hn", nodes), rounds);
        sim.place(reqs);
        try (Events events = new Events(o.get("bootstrap"), o.get("events"));
                RequestPublisher publisher = new RequestPublisher(o.get("bootstrap"), o.get("requests"))) {
            Sampler sampler = new Sampler(probe, o.get("worker"), sim, 1000, 5000);
            sampler.liveAt = (int) (ideal * 0.95);
            sampler.scrapeEveryMs = o.getInt("scrape-ms", 1000);
            sampler.start();
            CpuWatch cpu = CpuWatch.ofAllProcesses(o);
            long published = System.currentTimeMillis();
            publisher.publish(reqs);
            Console.log("published %d requests in %d ms", reqs.size(), System.currentTimeMillis() - published);
            boolean all = events.awaitTerminal(reqs, o.getInt("timeout", 240));
            sampler.stop();
            cpu.report("scale");
            Stats st = events.stats(reqs);
            if (!all) {
                Console.log("only %d of %d ended", st.terminal, reqs.size());
            }
            // Steady state: from when in flight first reached 95 % of nodes x bound to the last STARTED (the backlog
            // is empty after it and the run drains).
            long steadyFrom = st.firstTimeInFlightAtLeast((int) (ideal * 0.95));
            long steadyTo = st.lastStarted;
            if (steadyFrom <= 0) {
                steadyFrom = steadyTo; // never reached: no steady window
            }
            double steadyRate = steadyFrom > 0 && steadyTo > steadyFrom
                    ? st.terminalsBetween(steadyFrom, steadyTo) / ((steadyTo - steadyFrom) / 1000.0)
                    : 0;
            double latencySeconds = o.getInt("latency-ms", 5000) / 1000.0;
            double idealRate = ideal / latencySeconds;
            Console.result("scale.requests", reqs.size());
            Console.result("scale.completed", st.terminal - st.failed);
            Console.result("scale.failed", st.failed);
            Console.result("scale.peak_in_flight_events", st.peakInFlight);
            Console.result("scale.peak_in_flight_worker_gauge", sampler.peakInFlight);
            Console.result("scale.peak_in_flight_simulator", sampler.peakSimInFlight);
            Console.result("scale.steady_seconds", Console.decimals((steadyTo - steadyFrom) / 1000.0, 1));
            Console.result("scale.steady_rate", Console.decimals(steadyRate, 0));
            Console.result("scale.ideal_rate", Console.decimals(idealRate, 0));
            // No steady window is said as such, never as a rate of 0 (num() in ReportWriter reads it as NaN: missed).
            Console.result("scale.rate_pct_of_ideal", steadyTo > steadyFrom
                    ? Console.decimals(100 * steadyRate / idealRate, 1)
                    : "none (in flight never reached 95 % of " + (int) ideal + "; peak " + st.peakInFlight + ")");
            Console.result("scale.overall_seconds", Console.decimals((st.lastTerminal - st.firstStarted) / 1000.0, 1));
            // The backlog at the ideal rate, plus the last migration's own time.
            Console.result("scale.overall_ideal_seconds",
                    Console.decimals(reqs.size() / idealRate + latencySeconds, 1));
            Console.result("scale.first_started_after_publish_ms", st.firstStarted - published);
            Console.result("scale.peak_threads", sampler.peakThreads);
            Console.figure("scale.peak_heap_used_mb", sampler.peakHeapMb, sampler.heapError());
            Console.figure("scale.live_heap_at_peak_mb", Console.decimals(sampler.liveHeapMb, 1), sampler.liveSetError());
            Console.figure("scale.heap_committed_mb", sampler.heapCommittedMb, sampler.heapError());
            Console.result("scale.live_at_in_flight", sampler.liveAtInFlight);
            long[] gaps = events.slotGaps(reqs, o.getInt("bound", 4));
            Console.result("scale.slot_gap_p50_ms", Stats.percentile(gaps, 50));
            Console.result("scale.slot_gap_p99_ms", Stats.percentile(gaps, 99));
        }
    }

    /**
     * {@code rounds} requests into every node; in round r node t receives from the node r+1 places after it, so that
     * sources move round-robin and each node sends about as many as it receives.
     */
    private static List<Request> backlog(List<String> ids, int rounds) {
        int nodes = ids.size();
        List<Request> reqs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < nodes; t++) {
                int s = (t + 1 + r % (nodes - 1)) % nodes;
                reqs.add(Request.between("scale-" + r + "-" + t, ids.get(s), ids.get(t)));
            }
        }
        return reqs;
    }
}
