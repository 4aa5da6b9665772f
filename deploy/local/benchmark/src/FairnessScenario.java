import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * fairness: a slow node's backlog published ahead of fast nodes' requests. 10,000 requests for S (60 s each) first,
 * then 100 for each of F1..F3 (0.3 s each): do the fast requests wait only for their own nodes' bound, and what does
 * holding the backlog cost the heap? The whole backlog waits at the fleet's scheduler (within the default
 * relocator.scheduler.max-waiting), in the heap of the one worker.
 */
final class FairnessScenario {

    private static final List<String> FAST = List.of("f1", "f2", "f3");

    private FairnessScenario() {
    }

    static void run(Options o) throws Exception {
        SimulatorAdmin sim = new SimulatorAdmin(o.get("sim"));
        int slowCount = o.getInt("slow", 10000);
        int fastPerNode = o.getInt("fast", 100);
        int fastBound = o.getInt("fast-bound", 2);
        long fastMs = o.getInt("fast-ms", 300);
        WorkerProbe probe = new WorkerProbe(Long.parseLong(o.get("pid")));
        sim.awaitUp(60);
        WorkerGauges.awaitUp(o.get("worker"), 120);
        sim.awaitLogins("", 8, 60);
        String key = "fairness.";
        Console.result(key + "group_stable_wait_ms",
                KafkaLookups.awaitAssigned(o.get("bootstrap"), o.get("group"), o.get("requests"), 60));
        sim.setLatency("s-src", o.getInt("slow-ms", 60000));
        for (String f : FAST) {
            sim.setLatency(f + "-src", fastMs);
        }
        List<Request> slow = new ArrayList<>();
        for (int i = 0; i < slowCount; i++) {
            slow.add(Request.between("fairness-s-" + i, "s-src", "s"));
        }
        List<Request> quick = new ArrayList<>();
        for (int i = 0; i < fastPerNode; i++) {
            for (String f : FAST) {
                quick.add(Request.between("fairness-" + f + "-" + i, f + "-src", f));
            }
        }
        sim.place(slow);
        sim.place(quick);
        try (Events events = new Events(o.get("bootstrap"), o.get("events"));
                RequestPublisher publisher = new RequestPublisher(o.get("bootstrap"), o.get("requests"))) {
            Sampler sampler = new Sampler(probe, o.get("worker"), null, 1000, 3000).start();
            long published = System.currentTimeMillis();
            publisher.publish(slow);
            publisher.publish(quick);
            Console.log("published %d slow then %d fast requests in %d ms", slow.size(), quick.size(),
                    System.currentTimeMillis() - published);
            boolean all = events.awaitTerminal(quick, o.getInt("timeout", 180));
            Stats st = events.stats(quick);
            // Hold the backlog a little longer to sample the heap with it in place, then a live-set figure.
            Thread.sleep(3000);
            sampler.stop();
            String liveError = null;
            double liveMb = -1;
            try {
                liveMb = probe.liveHeapMb();
            } catch (WorkerProbe.ProbeFailed e) {
                liveError = e.getMessage();
            }
            long[] waitsPublish = events.waitsFromPublish(quick, publisher);
            long[] waitsReceived = events.waitsFromReceived(quick);
            long[] ideal = idealWaits(quick.size(), fastBound, fastMs);
            Console.result(key + "fast_requests", quick.size());
            Console.result(key + "fast_ended", st.terminal);
            Console.result(key + "fast_failed", st.failed);
            Console.result(key + "all_fast_ended", all);
            Console.result(key + "fast_wait_publish_p50_ms", Stats.percentile(waitsPublish, 50));
            Console.result(key + "fast_wait_publish_p99_ms", Stats.percentile(waitsPublish, 99));
            Console.result(key + "fast_wait_publish_max_ms", Stats.percentile(waitsPublish, 100));
            Console.result(key + "fast_wait_received_p50_ms", Stats.percentile(waitsReceived, 50));
            Console.result(key + "fast_wait_received_p99_ms", Stats.percentile(waitsReceived, 99));
            Console.result(key + "fast_wait_ideal_p50_ms", Stats.percentile(ideal, 50));
            Console.result(key + "fast_wait_ideal_p99_ms", Stats.percentile(ideal, 99));
            Console.result(key + "fast_last_end_after_publish_ms", st.lastTerminal - published);
            Console.result(key + "slow_started", events.startedCount(slow));
            Console.figure(key + "peak_heap_used_mb", sampler.peakHeapMb, sampler.heapError());
            Console.figure(key + "live_heap_mb", Console.decimals(liveMb, 1), liveError);
            Console.result(key + "peak_threads", sampler.peakThreads);
            Console.result(key + "waiting_at_end", sampler.lastWaiting);
            Console.result(key + "slow_node_peak_in", sim.nodes().path("s").path("peakIn").asInt());
        }
    }

    /**
     * The waits the fast nodes' own bound imposes with no S at all, sorted: the k-th request of a node waits
     * floor(k / bound) x latency (the fast requests go round the nodes, so request i is the (i / 3)-th of its node).
     */
    private static long[] idealWaits(int n, int bound, long latencyMs) {
        long[] ideal = new long[n];
        for (int i = 0; i < n; i++) {
            ideal[i] = (i / FAST.size()) / bound * latencyMs;
        }
        Arrays.sort(ideal);
        return ideal;
    }
}
