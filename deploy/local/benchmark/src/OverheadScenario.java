import java.util.List;

/**
 * overhead: end-to-end migrations per second through the worker with a zero-latency simulator, so that the worker's
 * own cost (Kafka in and out, scheduling, the SOAP client) is what limits it. Warm-up first; the figures are from the
 * events (first STARTED to last terminal event) of the measured phase.
 */
final class OverheadScenario {

    private OverheadScenario() {
    }

    static void run(Options o) throws Exception {
        SimulatorAdmin sim = new SimulatorAdmin(o.get("sim"));
        int nodes = o.getInt("nodes", 16);
        int count = o.getInt("count", 20000);
        int warmup = o.getInt("warmup", 4000);
        List<String> ids = Request.nodeIds("hn", nodes);
        sim.awaitUp(60);
        WorkerGauges.awaitUp(o.get("worker"), 120);
        sim.awaitLogins("hn-", nodes, 60);
        try (Events events = new Events(o.get("bootstrap"), o.get("events"));
                RequestPublisher publisher = new RequestPublisher(o.get("bootstrap"), o.get("requests"))) {
            for (String phase : List.of("warmup", "measure")) {
                int n = phase.equals("warmup") ? warmup : count;
                List<Request> reqs = Request.spread(phase + "-", n, ids);
                sim.place(reqs);
                CpuWatch cpu = CpuWatch.ofAllProcesses(o);
                long published = System.currentTimeMillis();
                publisher.publish(reqs);
                long publishedAll = System.currentTimeMillis();
                if (!events.awaitTerminal(reqs, 300)) {
                    Console.log("%s: only %d of %d ended in 300 s", phase, events.terminalCount(reqs), n);
                }
                Stats st = events.stats(reqs);
                double window = (st.lastTerminal - st.firstStarted) / 1000.0;
                double rate = st.terminal / window;
                Console.log("%s: %d ended (%d failed) in %.2f s (publish took %d ms): %.0f migrations/s, peak in flight %d",
                        phase, st.terminal, st.failed, window, publishedAll - published, rate, st.peakInFlight);
                if (phase.equals("measure")) {
                    Console.result("overhead.migrations", st.terminal);
                    Console.result("overhead.failed", st.failed);
                    Console.result("overhead.seconds", Console.decimals(window, 2));
                    Console.result("overhead.rate", Console.decimals(rate, 0));
                    Console.result("overhead.rate_from_publish",
                            Console.decimals(st.terminal / ((st.lastTerminal - published) / 1000.0), 0));
                    Console.result("overhead.peak_in_flight", st.peakInFlight);
                    Console.result("overhead.publish_ms", publishedAll - published);
                    cpu.report("overhead");
                }
            }
            WorkerProbe probe = new WorkerProbe(Long.parseLong(o.get("pid")));
            Console.result("overhead.worker_threads", probe.threads());
            try {
                Console.result("overhead.worker_heap_used_mb", probe.heap().usedMb());
            } catch (WorkerProbe.ProbeFailed e) {
                Console.failed("overhead.worker_heap_used_mb", e.getMessage());
            }
        }
    }
}
