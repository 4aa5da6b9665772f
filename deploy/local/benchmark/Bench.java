// The benchmark's client side, run by run-benchmark.sh as a single-file program
// (java -cp <kafka-clients + Jackson jars> Bench.java MODE key=value...). It talks only to 127.0.0.1: the Kafka broker,
// the simulator JVM's HTTP port and the worker JVM's HTTP port; it reads the worker's threads from /proc and its heap
// with jcmd. Each mode prints "RESULT key=value" lines that run-benchmark.sh collects into docs/benchmarks.md.
//
// Modes:
//   direct    migrate_v2v envelopes straight to the simulator (java.net.http, async, bounded concurrency)
//   overhead  end-to-end migrations per second through the worker, zero-latency simulator
//   scale     500 nodes x bound 4, 5 s migrations: in flight, completion rate, threads, heap, start-up
//   fairness  10,000 requests for a slow node S (60 s) ahead of 100 for each of F1..F3 (0.3 s): queue waits, heap
//
// The simulated nodes' password comes from the environment (BENCH_PASSWORD), never from the command line.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class Bench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient ADMIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String BASE = "http://www.swsoft.com/webservices/vzl/4.0.0/";
    static final String REALM = "00000000-0000-0000-0000-000000000000";

    static Map<String, String> opts;

    public static void main(String[] args) throws Exception {
        opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            opts.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        switch (args[0]) {
            case "direct" -> direct();
            case "overhead" -> overhead();
            case "scale" -> scale();
            case "fairness" -> fairness();
            case "report" -> report(args[1], args[2]);
            default -> throw new IllegalArgumentException("mode: direct|overhead|scale|fairness");
        }
        System.exit(0);
    }

    static String opt(String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }

    static int intOpt(String key, int def) {
        return opts.containsKey(key) ? Integer.parseInt(opts.get(key)) : def;
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // direct: the simulator's own limit for this SOAP call on this machine

    static void direct() throws Exception {
        String sim = opt("sim");
        int nodes = intOpt("nodes", 16);
        int count = intOpt("count", 30000);
        int warmup = intOpt("warmup", 10000);
        int concurrency = intOpt("concurrency", 64);
        String password = System.getenv("BENCH_PASSWORD");
        awaitHttp(sim + "/simulator/admin/stats", 60);
        List<String> ids = nodeIds("dn", nodes);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> sessions = new HashMap<>();
        for (String node : ids) {
            String reply = http.send(post(sim + "/simulator/agents/" + node, loginEnvelope("root", password)),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("session_id>([^<]+)<").matcher(reply);
            if (!m.find()) {
                throw new IllegalStateException("login refused by the simulator: " + reply);
            }
            sessions.put(node, m.group(1));
        }
        for (String[] phase : new String[][] {{"warmup", "" + warmup}, {"measure", "" + count}}) {
            int n = Integer.parseInt(phase[1]);
            List<String[]> calls = new ArrayList<>(); // node, body
            Map<String, List<String>> placement = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int s = i % nodes;
                int t = (s + 1 + (i / nodes) % (nodes - 1)) % nodes;
                String eid = UUID.randomUUID().toString();
                placement.computeIfAbsent(ids.get(s), k -> new ArrayList<>()).add(eid);
                calls.add(new String[] {ids.get(s), migrateEnvelope(sessions.get(ids.get(s)), eid,
                        ids.get(t) + ".sim.invalid", "root", password)});
            }
            placeAll(sim, placement);
            Semaphore slots = new Semaphore(concurrency);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger bad = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            CpuWatch cpu = new CpuWatch("simulator", opts.get("sim-pid"));
            long start = System.nanoTime();
            for (String[] call : calls) {
                slots.acquire();
                http.sendAsync(post(sim + "/simulator/agents/" + call[0], call[1]), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, failure) -> {
                            if (failure == null && response.statusCode() == 200
                                    && response.body().contains("migrate_v2vResponse")) {
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
            log("%s: %d calls (%d failed) in %.2f s = %.0f calls/s at concurrency %d", phase[0], n, bad.get(),
                    seconds, n / seconds, concurrency);
            if (phase[0].equals("measure")) {
                result("direct.calls", n);
                result("direct.failed", bad.get());
                result("direct.concurrency", concurrency);
                result("direct.seconds", String.format(Locale.ROOT, "%.2f", seconds));
                result("direct.rate", String.format(Locale.ROOT, "%.0f", ok.get() / seconds));
                cpu.report("direct");
            }
        }
    }

    static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"\"")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String loginEnvelope(String user, String password) {
        return envelope("", "<s:login xmlns:s=\"" + BASE + "sessionm\" xmlns:t=\"" + BASE + "types\">"
                + "<t:name>" + b64(user) + "</t:name><t:realm>" + REALM + "</t:realm>"
                + "<s:password>" + b64(password) + "</s:password></s:login>");
    }

    /** The same migrate_v2v the worker sends (options/type 0, one eid, dst with login and password). */
    static String migrateEnvelope(String session, String eid, String dstAddress, String user, String password) {
        String header = "<h:packet_header xmlns:h=\"" + BASE + "soap_protocol\" version=\"4.0.0\"><h:target>relocator"
                + "</h:target><h:session>" + session + "</h:session></h:packet_header>";
        return envelope(header, "<migrate_v2v xmlns=\"" + BASE + "relocator\" xmlns:t=\"" + BASE + "types\">"
                + "<options><type>0</type></options>"
                + "<eid_list><t:eid>" + eid + "</t:eid></eid_list>"
                + "<dst><t:protocol>SSL</t:protocol><t:address>" + dstAddress + "</t:address><t:port>4434</t:port>"
                + "<t:login><t:name>" + b64(user) + "</t:name><t:realm>" + REALM + "</t:realm></t:login>"
                + "<t:password>" + b64(password) + "</t:password></dst></migrate_v2v>");
    }

    static String envelope(String header, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + (header.isEmpty() ? "" : "<soap:Header>" + header + "</soap:Header>")
                + "<soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // overhead: end-to-end migrations per second through the worker with a zero-latency simulator

    static void overhead() throws Exception {
        String sim = opt("sim");
        int nodes = intOpt("nodes", 16);
        int count = intOpt("count", 20000);
        int warmup = intOpt("warmup", 4000);
        List<String> ids = nodeIds("hn", nodes);
        awaitHttp(sim + "/simulator/admin/stats", 60);
        awaitHttp(opt("worker") + "/q/metrics", 120);
        awaitLogins(sim, "hn-", nodes, 60);
        try (Events events = new Events(opt("bootstrap"), opt("events"));
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(opt("bootstrap")))) {
            for (String phase : List.of("warmup", "measure")) {
                int n = phase.equals("warmup") ? warmup : count;
                List<Req> reqs = new ArrayList<>();
                Map<String, List<String>> placement = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    int s = i % nodes;
                    int t = (s + 1 + (i / nodes) % (nodes - 1)) % nodes;
                    Req r = new Req(phase + "-" + i, UUID.randomUUID().toString(), ids.get(s), ids.get(t));
                    placement.computeIfAbsent(r.source, k -> new ArrayList<>()).add(r.container);
                    reqs.add(r);
                }
                placeAll(sim, placement);
                CpuWatch cpu = new CpuWatch("worker", opts.get("pid"), "simulator", opts.get("sim-pid"), "broker",
                        opts.get("broker-pid"));
                long published = System.currentTimeMillis();
                publish(producer, opt("requests"), reqs);
                long publishedAll = System.currentTimeMillis();
                if (!events.awaitTerminal(reqs, 300)) {
                    log("%s: only %d of %d ended in 300 s", phase, events.terminalCount(reqs), n);
                }
                Stats st = events.stats(reqs);
                double window = (st.lastTerminal - st.firstStarted) / 1000.0;
                double rate = st.terminal / window;
                log("%s: %d ended (%d failed) in %.2f s (publish took %d ms): %.0f migrations/s, peak in flight %d",
                        phase, st.terminal, st.failed, window, publishedAll - published, rate, st.peakInFlight);
                if (phase.equals("measure")) {
                    result("overhead.migrations", st.terminal);
                    result("overhead.failed", st.failed);
                    result("overhead.seconds", String.format(Locale.ROOT, "%.2f", window));
                    result("overhead.rate", String.format(Locale.ROOT, "%.0f", rate));
                    result("overhead.rate_from_publish", String.format(Locale.ROOT, "%.0f",
                            st.terminal / ((st.lastTerminal - published) / 1000.0)));
                    result("overhead.peak_in_flight", st.peakInFlight);
                    result("overhead.publish_ms", publishedAll - published);
                    cpu.report("overhead");
                }
            }
            WorkerProbe probe = new WorkerProbe(Long.parseLong(opt("pid")));
            result("overhead.worker_threads", probe.threads());
            result("overhead.worker_heap_used_mb", probe.heapUsedMb());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // scale: 500 nodes x bound 4, 5 s migrations

    static void scale() throws Exception {
        String sim = opt("sim");
        int nodes = intOpt("nodes", 500);
        int rounds = intOpt("rounds", 24); // requests per target node
        long launched = Long.parseLong(opt("launched"));
        List<String> ids = nodeIds("hn", nodes);
        WorkerProbe probe = new WorkerProbe(Long.parseLong(opt("pid")));
        awaitHttp(sim + "/simulator/admin/stats", 60);
        awaitHttp(opt("worker") + "/q/metrics", 300);
        long httpUp = System.currentTimeMillis();
        awaitLogins(sim, "hn-", nodes, 300);
        long loggedIn = System.currentTimeMillis();
        result("scale.startup_http_ms", httpUp - launched);
        result("scale.startup_all_logged_in_ms", loggedIn - launched);
        result("scale.idle_threads", probe.threads());
        result("scale.group_stable_wait_ms", awaitAssigned(opt("bootstrap"), opt("group"), opt("requests"), 60));
        log("worker up after %d ms, %d logins done after %d ms", httpUp - launched, nodes, loggedIn - launched);

        List<Req> reqs = new ArrayList<>();
        Map<String, List<String>> placement = new HashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < nodes; t++) {
                int s = (t + 1 + r % (nodes - 1)) % nodes;
                Req q = new Req("scale-" + r + "-" + t, UUID.randomUUID().toString(), ids.get(s), ids.get(t));
                placement.computeIfAbsent(q.source, k -> new ArrayList<>()).add(q.container);
                reqs.add(q);
            }
        }
        placeAll(sim, placement);
        try (Events events = new Events(opt("bootstrap"), opt("events"));
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(opt("bootstrap")))) {
            Sampler sampler = new Sampler(probe, opt("worker"), sim, 1000, 5000);
            sampler.liveAt = (int) (nodes * intOpt("bound", 4) * 0.95);
            sampler.start();
            CpuWatch cpu = new CpuWatch("worker", opts.get("pid"), "simulator", opts.get("sim-pid"), "broker",
                    opts.get("broker-pid"));
            long published = System.currentTimeMillis();
            publish(producer, opt("requests"), reqs);
            log("published %d requests in %d ms", reqs.size(), System.currentTimeMillis() - published);
            boolean all = events.awaitTerminal(reqs, intOpt("timeout", 240));
            sampler.stop();
            cpu.report("scale");
            Stats st = events.stats(reqs);
            if (!all) {
                log("only %d of %d ended", st.terminal, reqs.size());
            }
            // Steady state: from when in flight first reached 95 % of nodes x bound to the last STARTED (the backlog
            // is empty after it and the run drains).
            int ideal = nodes * intOpt("bound", 4);
            long steadyFrom = st.firstTimeInFlightAtLeast((int) (ideal * 0.95));
            long steadyTo = st.lastStarted;
            if (steadyFrom <= 0) {
                steadyFrom = steadyTo; // never reached: no steady window
            }
            double steadyRate = steadyFrom > 0 && steadyTo > steadyFrom
                    ? st.terminalsBetween(steadyFrom, steadyTo) / ((steadyTo - steadyFrom) / 1000.0)
                    : 0;
            double idealRate = ideal / (intOpt("latency-ms", 5000) / 1000.0);
            result("scale.requests", reqs.size());
            result("scale.completed", st.terminal - st.failed);
            result("scale.failed", st.failed);
            result("scale.peak_in_flight_events", st.peakInFlight);
            result("scale.peak_in_flight_worker_gauge", sampler.peakInFlight);
            result("scale.peak_in_flight_simulator", sampler.peakSimInFlight);
            result("scale.steady_seconds", String.format(Locale.ROOT, "%.1f", (steadyTo - steadyFrom) / 1000.0));
            result("scale.steady_rate", String.format(Locale.ROOT, "%.0f", steadyRate));
            result("scale.ideal_rate", String.format(Locale.ROOT, "%.0f", idealRate));
            result("scale.rate_pct_of_ideal", String.format(Locale.ROOT, "%.1f", 100 * steadyRate / idealRate));
            result("scale.overall_seconds", String.format(Locale.ROOT, "%.1f",
                    (st.lastTerminal - st.firstStarted) / 1000.0));
            result("scale.overall_ideal_seconds", String.format(Locale.ROOT, "%.1f",
                    reqs.size() / idealRate + intOpt("latency-ms", 5000) / 1000.0 - 0));
            result("scale.first_started_after_publish_ms", st.firstStarted - published);
            result("scale.peak_threads", sampler.peakThreads);
            result("scale.peak_heap_used_mb", sampler.peakHeapMb);
            result("scale.live_heap_at_peak_mb", sampler.liveHeapMb);
            result("scale.heap_committed_mb", sampler.heapCommittedMb);
            result("scale.live_at_in_flight", sampler.liveAtInFlight);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // fairness: a slow node's backlog ahead of fast nodes' requests

    static void fairness() throws Exception {
        String sim = opt("sim");
        String prefix = opt("variant");
        int slowCount = intOpt("slow", 10000);
        int fastPerNode = intOpt("fast", 100);
        int fastBound = intOpt("fast-bound", 2);
        long fastMs = intOpt("fast-ms", 300);
        List<String> fast = List.of("f1", "f2", "f3");
        WorkerProbe probe = new WorkerProbe(Long.parseLong(opt("pid")));
        awaitHttp(sim + "/simulator/admin/stats", 60);
        awaitHttp(opt("worker") + "/q/metrics", 120);
        awaitLogins(sim, "", 8, 60);
        result("fairness." + prefix + ".group_stable_wait_ms",
                awaitAssigned(opt("bootstrap"), opt("group"), opt("requests"), 60));
        setLatency(sim, "s-src", intOpt("slow-ms", 60000));
        for (String f : fast) {
            setLatency(sim, f + "-src", fastMs);
        }
        List<Req> slow = new ArrayList<>();
        List<Req> quick = new ArrayList<>();
        Map<String, List<String>> placement = new HashMap<>();
        for (int i = 0; i < slowCount; i++) {
            Req r = new Req(prefix + "-s-" + i, UUID.randomUUID().toString(), "s-src", "s");
            placement.computeIfAbsent(r.source, k -> new ArrayList<>()).add(r.container);
            slow.add(r);
        }
        for (int i = 0; i < fastPerNode; i++) {
            for (String f : fast) {
                Req r = new Req(prefix + "-" + f + "-" + i, UUID.randomUUID().toString(), f + "-src", f);
                placement.computeIfAbsent(r.source, k -> new ArrayList<>()).add(r.container);
                quick.add(r);
            }
        }
        placeAll(sim, placement);
        try (Events events = new Events(opt("bootstrap"), opt("events"));
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(opt("bootstrap")))) {
            Sampler sampler = new Sampler(probe, opt("worker"), null, 1000, 3000).start();
            long published = System.currentTimeMillis();
            publish(producer, opt("requests"), slow);
            publish(producer, opt("requests"), quick);
            log("published %d slow then %d fast requests in %d ms", slow.size(), quick.size(),
                    System.currentTimeMillis() - published);
            boolean all = events.awaitTerminal(quick, intOpt("timeout", 180));
            Stats st = events.stats(quick);
            // Hold the backlog a little longer to sample the heap with it in place, then a live-set figure.
            Thread.sleep(3000);
            sampler.stop();
            double liveMb = probe.liveHeapMb();
            long[] waitsPublish = events.waits(quick, false);
            long[] waitsReceived = events.waits(quick, true);
            long[] ideal = new long[quick.size()];
            for (int i = 0; i < quick.size(); i++) {
                ideal[i] = (i / fast.size()) / fastBound * fastMs; // position k in its node: floor(k / bound) x latency
            }
            Arrays.sort(ideal);
            String key = "fairness." + prefix + ".";
            result(key + "fast_requests", quick.size());
            result(key + "fast_ended", st.terminal);
            result(key + "fast_failed", st.failed);
            result(key + "all_fast_ended", all);
            result(key + "fast_wait_publish_p50_ms", pct(waitsPublish, 50));
            result(key + "fast_wait_publish_p99_ms", pct(waitsPublish, 99));
            result(key + "fast_wait_publish_max_ms", pct(waitsPublish, 100));
            result(key + "fast_wait_received_p50_ms", pct(waitsReceived, 50));
            result(key + "fast_wait_received_p99_ms", pct(waitsReceived, 99));
            result(key + "fast_wait_ideal_p50_ms", pct(ideal, 50));
            result(key + "fast_wait_ideal_p99_ms", pct(ideal, 99));
            result(key + "fast_last_end_after_publish_ms", st.lastTerminal - published);
            result(key + "slow_started", events.startedCount(slow));
            result(key + "peak_heap_used_mb", sampler.peakHeapMb);
            result(key + "live_heap_mb", String.format(Locale.ROOT, "%.1f", liveMb));
            result(key + "peak_threads", sampler.peakThreads);
            result(key + "worker_queued_at_end", sampler.lastQueued);
            result(key + "parked_records", endOffsetsSum(opt("bootstrap"), opt("parked")));
            JsonNode s = JSON.readTree(get(sim + "/simulator/admin/stats")).path("nodes").path("s");
            result(key + "slow_node_peak_in", s.path("peakIn").asInt());
        }
    }

    /** CPU seconds (user + system) used so far by a process; -1 when it cannot be read. */
    static double cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in USER_HZ ticks
        } catch (Exception e) {
            return -1;
        }
    }

    /** Busy and total CPU ticks of the machine (all cores), from /proc/stat. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }

    /** CPU use of the named processes and of the machine over a phase, as RESULT lines. */
    static final class CpuWatch {
        final Map<String, String> pids = new LinkedHashMap<>();
        final Map<String, Double> before = new LinkedHashMap<>();
        long[] machine;
        long started;

        CpuWatch(String... namePid) {
            for (int i = 0; i + 1 < namePid.length; i += 2) {
                if (namePid[i + 1] != null) {
                    pids.put(namePid[i], namePid[i + 1]);
                }
            }
            pids.put("bench", Long.toString(ProcessHandle.current().pid()));
            pids.forEach((n, pid) -> before.put(n, cpuSeconds(pid)));
            machine = machineTicks();
            started = System.nanoTime();
        }

        void report(String prefix) {
            double wall = (System.nanoTime() - started) / 1e9;
            long[] now = machineTicks();
            result(prefix + ".cpu_machine_busy_pct", String.format(Locale.ROOT, "%.0f",
                    100.0 * (now[0] - machine[0]) / Math.max(1, now[1] - machine[1])));
            pids.forEach((n, pid) -> result(prefix + ".cpu_" + n + "_cores", String.format(Locale.ROOT, "%.2f",
                    (cpuSeconds(pid) - before.get(n)) / wall)));
        }
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // report: docs/benchmarks.md's generated block from the results of the latest run of each scenario

    static final String BEGIN = "<!-- BEGIN GENERATED by deploy/local/benchmark/run-benchmark.sh: do not edit by hand -->";
    static final String END = "<!-- END GENERATED -->";

    static void report(String resultsDir, String docPath) throws Exception {
        Map<String, Properties> r = new LinkedHashMap<>();
        for (String name : List.of("overhead", "scale", "fairness-parking", "fairness-memory")) {
            Path f = Path.of(resultsDir, name + ".properties");
            if (Files.exists(f)) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(f)) {
                    p.load(in);
                }
                r.put(name, p);
            }
        }
        StringBuilder md = new StringBuilder(BEGIN).append("\n\n");
        md.append("### Machine (of the latest run)\n\n```\n").append(System.getenv().getOrDefault("BENCH_MACHINE", "?"))
                .append("\ndate: ").append(Instant.now().toString().substring(0, 19)).append("Z\n```\n\n");
        Properties o = r.get("overhead");
        if (o != null) {
            double direct = num(o, "direct.rate");
            double worker = num(o, "overhead.rate");
            md.append("### Overhead limit (zero-latency simulator)\n\n");
            head(md, o);
            md.append("| figure | value | target |\n|---|---|---|\n");
            row(md, "direct `migrate_v2v` calls/s to the simulator (the limit of this machine)",
                    o.getProperty("direct.rate") + " (" + o.getProperty("direct.calls") + " calls, concurrency "
                            + o.getProperty("direct.concurrency") + ", " + o.getProperty("direct.failed") + " failed)", "");
            row(md, "end-to-end migrations/s through the worker (first STARTED to last terminal event)",
                    o.getProperty("overhead.rate") + " (" + o.getProperty("overhead.migrations") + " migrations, "
                            + o.getProperty("overhead.failed") + " failed, peak " + o.getProperty("overhead.peak_in_flight")
                            + " in flight)", "");
            row(md, "ratio worker / direct", String.format(Locale.ROOT, "%.2f", worker / direct),
                    verdict(worker / direct >= 0.5, ">= 0.50"));
            row(md, "CPU during the direct run, cores: simulator / driver; machine busy",
                    o.getProperty("direct.cpu_simulator_cores") + " / " + o.getProperty("direct.cpu_bench_cores") + "; "
                            + o.getProperty("direct.cpu_machine_busy_pct") + " % of 2 cores", "");
            row(md, "CPU during the worker run, cores: worker / simulator / broker / load generator; machine busy",
                    o.getProperty("overhead.cpu_worker_cores") + " / " + o.getProperty("overhead.cpu_simulator_cores")
                            + " / " + o.getProperty("overhead.cpu_broker_cores") + " / "
                            + o.getProperty("overhead.cpu_bench_cores") + "; " + o.getProperty("overhead.cpu_machine_busy_pct")
                            + " % of 2 cores", "");
            row(md, "worker live threads / heap used at the end", o.getProperty("overhead.worker_threads") + " / "
                    + o.getProperty("overhead.worker_heap_used_mb") + " MB", "");
            md.append('\n');
        }
        Properties s = r.get("scale");
        if (s != null) {
            md.append("### Non-blocking at scale (500 nodes x bound 4, 5 s migrations)\n\n");
            head(md, s);
            md.append("| figure | value | target |\n|---|---|---|\n");
            int peak = (int) num(s, "scale.peak_in_flight_events");
            row(md, "peak migrations in flight in the worker (STARTED..terminal events)", "" + peak,
                    verdict(peak >= 1900, ">= 1,900"));
            row(md, "peak in flight, worker gauge `relocator_scheduler_in_flight` / held at the simulator (sampled 1/s)",
                    s.getProperty("scale.peak_in_flight_worker_gauge") + " / "
                            + s.getProperty("scale.peak_in_flight_simulator"), "");
            double pct = num(s, "scale.rate_pct_of_ideal");
            row(md, "completion rate in steady state (" + s.getProperty("scale.steady_seconds") + " s with the backlog)",
                    s.getProperty("scale.steady_rate") + "/s = " + s.getProperty("scale.rate_pct_of_ideal") + " % of "
                            + s.getProperty("scale.ideal_rate") + "/s", verdict(pct >= 90, ">= 90 % (360/s)"));
            row(md, "whole run: " + s.getProperty("scale.requests") + " requests, completed / failed",
                    s.getProperty("scale.completed") + " / " + s.getProperty("scale.failed") + " in "
                            + s.getProperty("scale.overall_seconds") + " s (ideal " + s.getProperty("scale.overall_ideal_seconds")
                            + " s)", "");
            row(md, "CPU during the run, cores: worker / simulator / broker / load generator; machine busy",
                    s.getProperty("scale.cpu_worker_cores") + " / " + s.getProperty("scale.cpu_simulator_cores") + " / "
                            + s.getProperty("scale.cpu_broker_cores") + " / " + s.getProperty("scale.cpu_bench_cores") + "; "
                            + s.getProperty("scale.cpu_machine_busy_pct") + " % of 2 cores", "");
            int threads = (int) num(s, "scale.peak_threads");
            row(md, "worker live threads, peak (idle after start-up)", threads + " (" + s.getProperty("scale.idle_threads")
                    + ")", verdict(threads < 100, "< 100"));
            double heap = num(s, "scale.peak_heap_used_mb");
            row(md, "worker heap used, peak sampled every 5 s (committed; -Xmx512m)", (long) heap + " MB ("
                    + s.getProperty("scale.heap_committed_mb") + " MB)", verdict(heap < 512, "< 512 MB"));
            row(md, "worker heap live set after a full GC at " + s.getProperty("scale.live_at_in_flight") + " in flight",
                    s.getProperty("scale.live_heap_at_peak_mb") + " MB", "");
            row(md, "start-up: Quarkus started in / 500 clients built in / HTTP up / all 500 nodes logged in",
                    s.getProperty("worker_started_in") + " / " + s.getProperty("clients_built_ms") + " ms / "
                            + s.getProperty("scale.startup_http_ms") + " ms / "
                            + s.getProperty("scale.startup_all_logged_in_ms") + " ms after launch",
                    verdict(num(s, "scale.startup_all_logged_in_ms") < 60000, "not minutes"));
            md.append('\n');
        }
        for (String variant : List.of("parking", "memory")) {
            Properties f = r.get("fairness-" + variant);
            if (f == null) {
                continue;
            }
            String k = "fairness." + variant + ".";
            md.append("### Fairness and memory, variant `").append(variant).append("`: ")
                    .append(variant.equals("parking") ? "default local queue (100 per node), the excess parked"
                            : "the whole backlog in the local queue")
                    .append("\n\n");
            head(md, f);
            md.append("10,000 requests for S (60 s each, bound 2) published first, then 100 for each of F1, F2, F3 "
                    + "(0.3 s each, bound 2). Queue wait = STARTED event time minus publish time (or minus the event's "
                    + "`receivedAt`). The ideal wait is what the fast nodes' own bound imposes with no S at all "
                    + "(position k in its node waits floor(k/2) x 0.3 s).\n\n");
            md.append("| figure | value | target |\n|---|---|---|\n");
            double p99 = num(f, k + "fast_wait_publish_p99_ms");
            double ideal99 = num(f, k + "fast_wait_ideal_p99_ms");
            row(md, "fast requests ended (failed) / all ended", f.getProperty(k + "fast_ended") + " of "
                    + f.getProperty(k + "fast_requests") + " (" + f.getProperty(k + "fast_failed") + ") / "
                    + f.getProperty(k + "all_fast_ended"), "all");
            row(md, "fast queue wait from publish p50 / p99 / max", f.getProperty(k + "fast_wait_publish_p50_ms") + " / "
                    + f.getProperty(k + "fast_wait_publish_p99_ms") + " / " + f.getProperty(k + "fast_wait_publish_max_ms")
                    + " ms", verdict(p99 <= ideal99 + 5000, "close to ideal: p99 <= ideal + 5 s"));
            row(md, "fast queue wait from `receivedAt` p50 / p99", f.getProperty(k + "fast_wait_received_p50_ms") + " / "
                    + f.getProperty(k + "fast_wait_received_p99_ms") + " ms", "");
            row(md, "ideal wait p50 / p99 (own bound only)", f.getProperty(k + "fast_wait_ideal_p50_ms") + " / "
                    + f.getProperty(k + "fast_wait_ideal_p99_ms") + " ms", "");
            double heap = num(f, k + "peak_heap_used_mb");
            row(md, "worker heap used with the backlog, peak sampled every 3 s / live set after full GC",
                    (long) heap + " MB / " + f.getProperty(k + "live_heap_mb") + " MB", verdict(heap < 512, "< 512 MB"));
            row(md, "requests waiting in the worker at the end / records in the parking topic",
                    f.getProperty(k + "worker_queued_at_end") + " / " + f.getProperty(k + "parked_records"), "");
            row(md, "worker live threads, peak", f.getProperty(k + "peak_threads"), verdict(num(f, k + "peak_threads") < 100, "< 100"));
            row(md, "S: peak migrations into it at the simulator / S requests started",
                    f.getProperty(k + "slow_node_peak_in") + " / " + f.getProperty(k + "slow_started"), "<= 2");
            md.append('\n');
        }
        md.append(END).append('\n');
        Path doc = Path.of(docPath);
        String old = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n";
        int b = old.indexOf(BEGIN);
        int e = old.indexOf(END);
        String updated = b >= 0 && e > b ? old.substring(0, b) + md + old.substring(e + END.length()).replaceFirst("^\n", "")
                : old + "\n" + md;
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, updated);
    }

    static void head(StringBuilder md, Properties p) {
        md.append("Run ").append(p.getProperty("date")).append(" on code ").append(p.getProperty("code", "?"))
                .append(" with `").append(p.getProperty("command"))
                .append("`. Overrides: ").append(p.getProperty("overrides")).append(".\n\n");
    }

    static void row(StringBuilder md, String figure, String value, String target) {
        md.append("| ").append(figure).append(" | ").append(value).append(" | ").append(target).append(" |\n");
    }

    static String verdict(boolean met, String target) {
        return target + (met ? ": **met**" : ": **missed**");
    }

    static double num(Properties p, String key) {
        try {
            return Double.parseDouble(p.getProperty(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // shared helpers

    record Req(String id, String container, String source, String target) {
    }

    static List<String> nodeIds(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(String.format("%s-%04d", prefix, i));
        }
        return ids;
    }

    static final Map<String, Long> PUBLISHED = new ConcurrentHashMap<>();

    static void publish(KafkaProducer<String, String> producer, String topic, List<Req> reqs) throws Exception {
        AtomicLong failed = new AtomicLong();
        for (Req r : reqs) {
            String value = JSON.writeValueAsString(Map.of("requestId", r.id, "containerId", r.container,
                    "sourceNode", r.source, "targetNode", r.target, "requestedBy", "run-benchmark.sh",
                    "reason", "benchmark"));
            PUBLISHED.put(r.id, System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, r.container, value), (md, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
            });
        }
        producer.flush();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " requests could not be published");
        }
    }

    static Properties producerConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    static long endOffsetsSum(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            var parts = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (parts == null) {
                return 0;
            }
            return c.endOffsets(parts.stream().map(i -> new TopicPartition(topic, i.partition())).toList())
                    .values().stream().mapToLong(Long::longValue).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Event times per requestId, from the events topic read from its beginning by a consumer thread. */
    static final class Events implements AutoCloseable {
        final Map<String, long[]> byId = new ConcurrentHashMap<>(); // started, terminal, failed(0/1), receivedAt
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        Events(String bootstrap, String topic) throws InterruptedException {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what the contract promises
            CountDownLatch assigned = new CountDownLatch(1);
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                    c.subscribe(List.of(topic));
                    while (running.get()) {
                        for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(200))) {
                            take(rec.value());
                        }
                        if (!c.assignment().isEmpty()) {
                            assigned.countDown();
                        }
                    }
                }
            }, "events");
            thread.setDaemon(true);
            thread.start();
            assigned.await(30, TimeUnit.SECONDS);
        }

        void take(String value) {
            try {
                JsonNode e = JSON.readTree(value);
                long[] t = byId.computeIfAbsent(e.path("requestId").asText(), k -> new long[] {0, 0, 0, 0});
                long at = Instant.parse(e.path("occurredAt").asText()).toEpochMilli();
                String status = e.path("status").asText();
                synchronized (t) {
                    if (e.hasNonNull("receivedAt")) {
                        t[3] = Instant.parse(e.path("receivedAt").asText()).toEpochMilli();
                    }
                    if (status.equals("STARTED")) {
                        t[0] = at;
                    } else {
                        t[1] = at;
                        t[2] = status.equals("FAILED") ? 1 : 0;
                    }
                }
            } catch (IOException e) {
                // not an event
            }
        }

        int terminalCount(List<Req> reqs) {
            int n = 0;
            for (Req r : reqs) {
                long[] t = byId.get(r.id);
                if (t != null && t[1] > 0) {
                    n++;
                }
            }
            return n;
        }

        int startedCount(List<Req> reqs) {
            int n = 0;
            for (Req r : reqs) {
                long[] t = byId.get(r.id);
                if (t != null && t[0] > 0) {
                    n++;
                }
            }
            return n;
        }

        boolean awaitTerminal(List<Req> reqs, int seconds) throws InterruptedException {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            long lastLog = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                int n = terminalCount(reqs);
                if (n >= reqs.size()) {
                    return true;
                }
                if (System.currentTimeMillis() - lastLog > 10000) {
                    log("%d of %d ended", n, reqs.size());
                    lastLog = System.currentTimeMillis();
                }
                Thread.sleep(200);
            }
            return false;
        }

        /** STARTED minus publish time (or receivedAt), sorted, for the requests that started. */
        long[] waits(List<Req> reqs, boolean fromReceived) {
            List<Long> w = new ArrayList<>();
            for (Req r : reqs) {
                long[] t = byId.get(r.id);
                if (t != null && t[0] > 0) {
                    w.add(t[0] - (fromReceived ? t[3] : PUBLISHED.get(r.id)));
                }
            }
            return w.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        Stats stats(List<Req> reqs) {
            Stats s = new Stats();
            List<long[]> deltas = new ArrayList<>();
            for (Req r : reqs) {
                long[] t = byId.get(r.id);
                if (t == null || t[0] == 0) {
                    continue;
                }
                s.firstStarted = Math.min(s.firstStarted, t[0]);
                s.lastStarted = Math.max(s.lastStarted, t[0]);
                deltas.add(new long[] {t[0], 1});
                if (t[1] > 0) {
                    s.terminal++;
                    s.failed += t[2];
                    s.lastTerminal = Math.max(s.lastTerminal, t[1]);
                    s.terminals.add(t[1]);
                    deltas.add(new long[] {t[1], -1});
                }
            }
            deltas.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int cur = 0;
            for (long[] d : deltas) {
                cur += d[1];
                if (cur > s.peakInFlight) {
                    s.peakInFlight = cur;
                }
                s.curve.add(new long[] {d[0], cur});
            }
            return s;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    static final class Stats {
        long firstStarted = Long.MAX_VALUE;
        long lastStarted;
        long lastTerminal;
        int terminal;
        int failed;
        int peakInFlight;
        final List<Long> terminals = new ArrayList<>();
        final List<long[]> curve = new ArrayList<>();

        long firstTimeInFlightAtLeast(int level) {
            for (long[] c : curve) {
                if (c[1] >= level) {
                    return c[0];
                }
            }
            return -1;
        }

        long terminalsBetween(long from, long to) {
            return terminals.stream().filter(t -> t >= from && t <= to).count();
        }
    }

    /** The worker JVM seen from outside: /proc for threads, jcmd for the heap. */
    static final class WorkerProbe {
        final long pid;

        WorkerProbe(long pid) {
            this.pid = pid;
        }

        int threads() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("Threads:")) {
                        return Integer.parseInt(line.substring(8).trim());
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone
            }
            return -1;
        }

        /** {@code used} and {@code total} of the heap, in MB, from jcmd GC.heap_info. */
        long[] heap() {
            String out = jcmd("GC.heap_info");
            Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
            return m.find() ? new long[] {Long.parseLong(m.group(2)) / 1024, Long.parseLong(m.group(1)) / 1024}
                    : new long[] {-1, -1};
        }

        long heapUsedMb() {
            return heap()[0];
        }

        /** Heap used right after a full GC requested with jcmd GC.run: the live set. */
        double liveHeapMb() {
            jcmd("GC.run");
            return heap()[0];
        }

        String jcmd(String command) {
            try {
                Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(30, TimeUnit.SECONDS);
                return out;
            } catch (IOException | InterruptedException e) {
                return "";
            }
        }
    }

    /** Samples the worker's threads and in-flight gauge every second and its heap every few seconds. */
    static final class Sampler {
        final WorkerProbe probe;
        final String worker;
        final String sim;
        final long everyMs;
        final long heapEveryMs;
        final AtomicBoolean running = new AtomicBoolean(true);
        volatile int peakThreads;
        volatile long peakHeapMb;
        volatile long heapCommittedMb;
        volatile double liveHeapMb = -1;
        volatile int liveAtInFlight;
        volatile int peakInFlight;
        volatile int peakSimInFlight;
        volatile int lastQueued;
        int liveAt = 1900;
        Thread thread;

        Sampler(WorkerProbe probe, String worker, String sim, long everyMs, long heapEveryMs) {
            this.probe = probe;
            this.worker = worker;
            this.sim = sim;
            this.everyMs = everyMs;
            this.heapEveryMs = heapEveryMs;
        }

        Sampler start() {
            thread = new Thread(this::loop, "sampler");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        void loop() {
            long lastHeap = 0;
            while (running.get()) {
                try {
                    peakThreads = Math.max(peakThreads, probe.threads());
                    Map<String, Double> gauges = gauges(worker);
                    int inFlight = gauges.getOrDefault("relocator_scheduler_in_flight", 0.0).intValue();
                    lastQueued = gauges.getOrDefault("relocator_scheduler_queued", 0.0).intValue();
                    peakInFlight = Math.max(peakInFlight, inFlight);
                    if (sim != null) {
                        int simIn = 0;
                        for (JsonNode n : JSON.readTree(get(sim + "/simulator/admin/stats")).path("nodes")) {
                            simIn += n.path("inFlightIn").asInt();
                        }
                        peakSimInFlight = Math.max(peakSimInFlight, simIn);
                    }
                    if (System.currentTimeMillis() - lastHeap >= heapEveryMs) {
                        long[] heap = probe.heap();
                        peakHeapMb = Math.max(peakHeapMb, heap[0]);
                        heapCommittedMb = Math.max(heapCommittedMb, heap[1]);
                        lastHeap = System.currentTimeMillis();
                        // Once, while the worker is at (near) its peak in flight: the live set after a full GC.
                        if (liveHeapMb < 0 && sim != null && inFlight >= liveAt) {
                            liveHeapMb = probe.liveHeapMb();
                            liveAtInFlight = inFlight;
                        }
                    }
                    Thread.sleep(everyMs);
                } catch (Exception e) {
                    // keep sampling
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10000);
        }
    }

    static Map<String, Double> gauges(String worker) {
        Map<String, Double> g = new LinkedHashMap<>();
        try {
            for (String line : get(worker + "/q/metrics").split("\n")) {
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

    static void placeAll(String sim, Map<String, List<String>> placement) throws Exception {
        for (var e : placement.entrySet()) {
            List<String> eids = e.getValue();
            for (int from = 0; from < eids.size(); from += 2000) {
                String body = JSON.writeValueAsString(Map.of("containers", eids.subList(from,
                        Math.min(eids.size(), from + 2000))));
                HttpResponse<String> r = ADMIN.send(HttpRequest.newBuilder(
                        URI.create(sim + "/simulator/admin/nodes/" + e.getKey() + "/containers"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 204) {
                    throw new IllegalStateException("placing containers failed: " + r.statusCode() + " " + r.body());
                }
            }
        }
    }

    static void setLatency(String sim, String node, long millis) throws Exception {
        HttpResponse<String> r = ADMIN.send(HttpRequest.newBuilder(
                URI.create(sim + "/simulator/admin/nodes/" + node + "/latency"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"millis\":" + millis + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("setting latency failed: " + r.statusCode());
        }
    }

    static String get(String url) throws Exception {
        return ADMIN.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void awaitHttp(String url, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (ADMIN.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " did not answer in " + seconds + " s");
    }

    /**
     * Waits until the worker's consumer group is stable with every partition of the requests topic assigned, so a
     * request's queue wait does not include the worker's own group join.
     */
    static long awaitAssigned(String bootstrap, String group, String topic, int seconds) throws Exception {
        long start = System.currentTimeMillis();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            while (System.currentTimeMillis() - start < seconds * 1000L) {
                var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                long assigned = d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                        .filter(tp -> tp.topic().equals(topic)).count();
                if (d.groupState() == org.apache.kafka.common.GroupState.STABLE && assigned >= 6) {
                    return System.currentTimeMillis() - start;
                }
                Thread.sleep(200);
            }
        }
        log("the worker's group %s was not stable with %s assigned after %d s", group, topic, seconds);
        return -1;
    }

    /** Waits until the worker has logged in to every node (the simulator counts login calls). */
    static void awaitLogins(String sim, String prefix, int nodes, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            int loggedIn = 0;
            var it = JSON.readTree(get(sim + "/simulator/admin/stats")).path("nodes").fields();
            while (it.hasNext()) {
                var n = it.next();
                if (n.getKey().startsWith(prefix) && n.getValue().path("loginCalls").asLong() > 0) {
                    loggedIn++;
                }
            }
            if (loggedIn >= nodes) {
                return;
            }
            Thread.sleep(100);
        }
        log("not every node was logged in after %d s", seconds);
    }
}
