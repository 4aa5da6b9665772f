import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Samples the worker while a scenario runs, on a thread of its own: threads every {@code everyMs}, the in-flight and
 * waiting gauges (a scrape of /q/metrics) every {@link #scrapeEveryMs} (by default {@code everyMs}), the heap every
 * {@code heapEveryMs}, and, when a simulator is given, the migrations it holds every {@code everyMs}. The scenarios
 * read the peaks after {@link #stop()}.
 */
final class Sampler {

    private final WorkerProbe probe;
    private final String worker;
    private final SimulatorAdmin sim;
    private final long everyMs;
    private final long heapEveryMs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    volatile int peakThreads;
    volatile long peakHeapMb;
    volatile long heapCommittedMb;
    private volatile String firstHeapFailure;
    private volatile int heapFailures;
    volatile double liveHeapMb = -1;
    /** Why the live set is missing: the probe failed, or in flight never reached {@link #liveAt}. */
    volatile String liveError;
    volatile int liveAtInFlight;
    volatile int peakInFlight;
    volatile int peakSimInFlight;
    volatile int lastWaiting;
    /** In flight at which the live set is taken, once (only with a simulator: the scale run). */
    int liveAt = 1900;
    /**
     * How often /q/metrics is scraped. With thousands of nodes a scrape is expensive for the worker (its per-node
     * series), so the big scenario scrapes as often as Prometheus commonly does, every 15 s, not every second.
     */
    long scrapeEveryMs;
    private Thread thread;

    /** {@code sim} may be null: then neither the simulator's in-flight count nor the live set are sampled. */
    Sampler(WorkerProbe probe, String worker, SimulatorAdmin sim, long everyMs, long heapEveryMs) {
        this.probe = probe;
        this.worker = worker;
        this.sim = sim;
        this.everyMs = everyMs;
        this.heapEveryMs = heapEveryMs;
        this.scrapeEveryMs = everyMs;
    }

    Sampler start() {
        thread = new Thread(this::loop, "sampler");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join(10000);
    }

    /** Why the heap peaks are not to be trusted (how many samples failed, and the first failure), or null. */
    String heapError() {
        return heapFailures == 0 ? null : heapFailures + " heap sample(s) failed, the first: " + firstHeapFailure;
    }

    /** The live-set error to report: the probe's failure, or that the live set was never taken. */
    String liveSetError() {
        if (liveError != null) {
            return liveError;
        }
        return liveHeapMb < 0 ? "never taken: in flight never reached " + liveAt + " while sampling" : null;
    }

    private void sampleHeap() {
        try {
            WorkerProbe.Heap heap = probe.heap();
            peakHeapMb = Math.max(peakHeapMb, heap.usedMb());
            heapCommittedMb = Math.max(heapCommittedMb, heap.committedMb());
        } catch (WorkerProbe.ProbeFailed e) {
            if (firstHeapFailure == null) {
                firstHeapFailure = e.getMessage();
            }
            heapFailures++;
        }
    }

    private void loop() {
        long lastHeap = 0;
        long lastScrape = 0;
        int inFlight = 0;
        while (running.get()) {
            try {
                peakThreads = Math.max(peakThreads, probe.threads());
                if (System.currentTimeMillis() - lastScrape >= scrapeEveryMs) {
                    Map<String, Double> gauges = WorkerGauges.read(worker);
                    lastScrape = System.currentTimeMillis();
                    inFlight = gauges.getOrDefault(WorkerGauges.IN_FLIGHT, 0.0).intValue();
                    lastWaiting = gauges.getOrDefault(WorkerGauges.WAITING, 0.0).intValue();
                    peakInFlight = Math.max(peakInFlight, inFlight);
                }
                if (sim != null) {
                    int simIn = 0;
                    for (JsonNode n : sim.nodes()) {
                        simIn += n.path("inFlightIn").asInt();
                    }
                    peakSimInFlight = Math.max(peakSimInFlight, simIn);
                }
                if (System.currentTimeMillis() - lastHeap >= heapEveryMs) {
                    sampleHeap();
                    lastHeap = System.currentTimeMillis();
                    // Once, while the worker is at (near) its peak in flight: the live set after a full GC.
                    if (liveHeapMb < 0 && liveError == null && sim != null && inFlight >= liveAt) {
                        liveAtInFlight = inFlight;
                        try {
                            liveHeapMb = probe.liveHeapMb();
                        } catch (WorkerProbe.ProbeFailed e) {
                            liveError = e.getMessage();
                        }
                    }
                }
                Thread.sleep(everyMs);
            } catch (Exception e) {
                // keep sampling
            }
        }
    }
}
