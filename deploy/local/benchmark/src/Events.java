import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongBiFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Event times per requestId, from the scenario's events topic read from its beginning by a consumer thread of its own
 * (read_committed, as the contract promises consumers). Every figure about the worker's migrations comes from here:
 * the times are the events' own {@code occurredAt}, not when the benchmark read them.
 */
final class Events implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STARTED = 0;
    private static final int TERMINAL = 1;
    private static final int FAILED = 2;
    private static final int RECEIVED = 3;

    /** By requestId: last STARTED, terminal, failed (0/1), receivedAt; epoch ms, 0 while not seen. */
    private final Map<String, long[]> byId = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** Returns once the consumer has its partitions (or after 30 s), so that nothing published later is missed. */
    Events(String bootstrap, String topic) throws InterruptedException {
        Properties p = KafkaLookups.stringConsumer(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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

    private void take(String value) {
        try {
            JsonNode e = JSON.readTree(value);
            long[] t = byId.computeIfAbsent(e.path("requestId").asText(), k -> new long[] {0, 0, 0, 0});
            long at = Instant.parse(e.path("occurredAt").asText()).toEpochMilli();
            String status = e.path("status").asText();
            synchronized (t) {
                if (e.hasNonNull("receivedAt")) {
                    t[RECEIVED] = Instant.parse(e.path("receivedAt").asText()).toEpochMilli();
                }
                if (status.equals("STARTED")) {
                    t[STARTED] = at;
                } else if (status.equals("COMPLETED") || status.equals("FAILED")) {
                    // Not "anything else": the contract's RUNNING heartbeats would otherwise end a migration early.
                    t[TERMINAL] = at;
                    t[FAILED] = status.equals("FAILED") ? 1 : 0;
                }
            }
        } catch (IOException e) {
            // not an event
        }
    }

    int terminalCount(List<Request> requests) {
        return count(requests, TERMINAL);
    }

    int startedCount(List<Request> requests) {
        return count(requests, STARTED);
    }

    private int count(List<Request> requests, int which) {
        int n = 0;
        for (Request r : requests) {
            long[] t = byId.get(r.id());
            if (t != null && t[which] > 0) {
                n++;
            }
        }
        return n;
    }

    /** Waits until every one of the requests has a terminal event, logging progress every 10 s; false on time-out. */
    boolean awaitTerminal(List<Request> requests, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        long lastLog = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            int n = terminalCount(requests);
            if (n >= requests.size()) {
                return true;
            }
            if (System.currentTimeMillis() - lastLog > 10000) {
                Console.log("%d of %d ended", n, requests.size());
                lastLog = System.currentTimeMillis();
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** STARTED minus the time the publisher handed the request to its producer, sorted, for those that started. */
    long[] waitsFromPublish(List<Request> requests, RequestPublisher publisher) {
        return waits(requests, (r, t) -> publisher.publishedAt(r.id()));
    }

    /** STARTED minus the event's receivedAt (when the worker read the request), sorted, for those that started. */
    long[] waitsFromReceived(List<Request> requests) {
        return waits(requests, (r, t) -> t[RECEIVED]);
    }

    private long[] waits(List<Request> requests, ToLongBiFunction<Request, long[]> from) {
        List<Long> w = new ArrayList<>();
        for (Request r : requests) {
            long[] t = byId.get(r.id());
            if (t != null && t[STARTED] > 0) {
                w.add(t[STARTED] - from.applyAsLong(r, t));
            }
        }
        return w.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * How long a target node's slot stayed free between migrations, sorted: on each target, the i-th STARTED beyond
     * the first {@code bound} took the slot the (i - bound)-th terminal event freed, and the gap is the time between
     * the two (end, release to the scheduler, grant, STARTED committed). Only requests that started and ended count.
     */
    long[] slotGaps(List<Request> requests, int bound) {
        Map<String, List<long[]>> byTarget = new java.util.HashMap<>();
        for (Request r : requests) {
            long[] t = byId.get(r.id());
            if (t != null && t[STARTED] > 0 && t[TERMINAL] > 0) {
                byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(new long[] {t[STARTED], t[TERMINAL]});
            }
        }
        List<Long> gaps = new ArrayList<>();
        for (List<long[]> times : byTarget.values()) {
            long[] starts = times.stream().mapToLong(x -> x[0]).sorted().toArray();
            long[] ends = times.stream().mapToLong(x -> x[1]).sorted().toArray();
            for (int i = bound; i < starts.length; i++) {
                gaps.add(starts[i] - ends[i - bound]);
            }
        }
        return gaps.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The run's figures over these requests, from the events seen so far. */
    Stats stats(List<Request> requests) {
        List<long[]> times = new ArrayList<>();
        for (Request r : requests) {
            long[] t = byId.get(r.id());
            if (t != null && t[STARTED] != 0) {
                times.add(new long[] {t[STARTED], t[TERMINAL], t[FAILED]});
            }
        }
        return Stats.of(times);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
