import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * direct: the simulator's own limit for the worker's SOAP call on this machine. The same migrate_v2v envelopes, sent
 * straight to the simulator with java.net.http at a bounded concurrency (the worker's nodes x bound), warm-up first.
 * The overhead run divides the worker's rate by this one.
 */
final class DirectScenario {

    private DirectScenario() {
    }

    static void run(Options o) throws Exception {
        SimulatorAdmin sim = new SimulatorAdmin(o.get("sim"));
        int nodes = o.getInt("nodes", 16);
        int count = o.getInt("count", 30000);
        int warmup = o.getInt("warmup", 10000);
        int concurrency = o.getInt("concurrency", 64);
        String password = System.getenv("BENCH_PASSWORD");
        sim.awaitUp(60);
        List<String> ids = Request.nodeIds("dn", nodes);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> sessions = new HashMap<>();
        for (String node : ids) {
            String reply = http.send(SoapEnvelopes.post(sim.agentUrl(node), SoapEnvelopes.login("root", password)),
                    HttpResponse.BodyHandlers.ofString()).body();
            sessions.put(node, SoapEnvelopes.sessionOf(reply));
        }
        for (String phase : List.of("warmup", "measure")) {
            int n = phase.equals("warmup") ? warmup : count;
            List<Request> calls = Request.spread(phase + "-", n, ids);
            // Built before the clock starts, so that the rate is the simulator's, not this JVM's string building.
            List<String> envelopes = calls.stream().map(c -> SoapEnvelopes.migrate(sessions.get(c.source()),
                    c.container(), c.target() + ".sim.invalid", "root", password)).toList();
            sim.place(calls);
            Semaphore slots = new Semaphore(concurrency);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger bad = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            CpuWatch cpu = new CpuWatch("simulator", o.orNull("sim-pid"));
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                slots.acquire();
                http.sendAsync(SoapEnvelopes.post(sim.agentUrl(calls.get(i).source()), envelopes.get(i)),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                            if (failure == null && response.statusCode() == 200
                                    && SoapEnvelopes.isMigrateAnswer(response.body())) {
                                ok.incrementAndGet();
                            } else {
                                bad.incrementAndGet();
                            }
                            slots.release();
                            done.countDown();
                        });
            }
            done.await(300, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            Console.log("%s: %d calls (%d failed) in %.2f s = %.0f calls/s at concurrency %d", phase, n, bad.get(),
                    seconds, n / seconds, concurrency);
            if (phase.equals("measure")) {
                Console.result("direct.calls", n);
                Console.result("direct.failed", bad.get());
                Console.result("direct.concurrency", concurrency);
                Console.result("direct.seconds", Console.decimals(seconds, 2));
                Console.result("direct.rate", Console.decimals(ok.get() / seconds, 0));
                cpu.report("direct");
            }
        }
    }
}
