import java.util.List;

/**
 * overhead: end-to-end migrations per second through the worker with a zero-latency simulator, so that the worker's
 * own cost (Kafka in and out, scheduling, the SOAP client) is what limits it. Warm-up first; the figures are from the
 * events (first STARTED to last terminal event) of the measured phase. Then the added latency with no contention:
 * {@code latency-count} requests (200) one at a time, each published only once the one before has ended, from the
 * moment the benchmark hands it to its producer to its STARTED event's {@code occurredAt} (one machine, one clock).
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
            addedLatency(o, sim, ids, events, publisher);
            WorkerProbe probe = new WorkerProbe(Long.parseLong(o.get("pid")));
            Console.result("overhead.worker_threads", probe.threads());
            try {
                Console.result("overhead.worker_heap_used_mb", probe.heap().usedMb());
            } catch (WorkerProbe.ProbeFailed e) {
                Console.failed("overhead.worker_heap_used_mb", e.getMessage());
            }
        }
    }

    /** Request to STARTED, one request at a time (nothing else in flight), p50 / p99 / max. */
    private static void addedLatency(Options o, SimulatorAdmin sim, List<String> ids, Events events,
            RequestPublisher publisher) throws Exception {
        int n = o.getInt("latency-count", 200);
        List<Request> reqs = Request.spread("latency-", n, ids);
        sim.place(reqs);
        for (Request r : reqs) {
            publisher.publish(List.of(r));
            if (!events.awaitTerminal(List.of(r), 30)) {
                Console.failed("overhead.added_latency_p50_ms", r.id() + " did not end within 30 s");
                return;
            }
        }
        long[] waits = events.waitsFromPublish(reqs, publisher);
        if (waits.length < n) {
            Console.failed("overhead.added_latency_p50_ms", "only " + waits.length + " of " + n + " started");
            return;
        }
        Console.log("added latency, request to STARTED, one at a time: p50 %d ms, p99 %d ms, max %d ms (%d requests)",
                Stats.percentile(waits, 50), Stats.percentile(waits, 99), waits[waits.length - 1], n);
        Console.result("overhead.added_latency_requests", n);
        Console.result("overhead.added_latency_p50_ms", Stats.percentile(waits, 50));
        Console.result("overhead.added_latency_p99_ms", Stats.percentile(waits, 99));
        Console.result("overhead.added_latency_max_ms", waits[waits.length - 1]);
    }
}
