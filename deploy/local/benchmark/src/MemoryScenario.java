/**
 * memory: the live set of an idle worker whose inventory has {@code nodes} nodes, every one of them logged in (so
 * each has its client, its pool and its session). Run once with 10 nodes and once with N: the difference over N - 10
 * is what one more node costs. Three readings, each right after its own full GC (jcmd GC.run); the smallest is
 * reported, beside the other two so their spread shows; the class histogram goes to {@code histogram=FILE} if given.
 */
final class MemoryScenario {

    private MemoryScenario() {
    }

    static void run(Options o) throws Exception {
        SimulatorAdmin sim = new SimulatorAdmin(o.get("sim"));
        int nodes = o.getInt("nodes", 10);
        String prefix = o.get("prefix") + "-";
        String key = "memory." + nodes + ".";
        WorkerProbe probe = new WorkerProbe(Long.parseLong(o.get("pid")));
        sim.awaitUp(60);
        WorkerGauges.awaitUp(o.get("worker"), 300);
        if (!sim.awaitLogins(prefix, nodes, 300)) {
            Console.failed(key + "live_heap_mb", "not every one of the " + nodes + " nodes was logged in after 300 s");
            return;
        }
        Console.result(key + "threads", probe.threads());
        StringBuilder readings = new StringBuilder();
        double smallest = Double.MAX_VALUE;
        try {
            for (int i = 0; i < 3; i++) {
                double mb = probe.liveHeapMb();
                smallest = Math.min(smallest, mb);
                readings.append(i == 0 ? "" : " ").append(Console.decimals(mb, 1));
            }
        } catch (WorkerProbe.ProbeFailed e) {
            Console.failed(key + "live_heap_mb", e.getMessage());
            return;
        }
        Console.result(key + "live_heap_mb", Console.decimals(smallest, 1));
        if (o.get("histogram") != null) {
            // what the live set is made of, to compare the two runs class by class
            java.nio.file.Files.writeString(java.nio.file.Path.of(o.get("histogram")), probe.classHistogram());
        }
        Console.result(key + "live_heap_readings_mb", readings);
    }
}
