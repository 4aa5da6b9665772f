package io.relocator.worker.process;

import static io.relocator.worker.testing.RequestPublisher.cancel;
import static io.relocator.worker.testing.RequestPublisher.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.RequestPublisher;

/**
 * Two workers, the simulator in its own process: cancels of waiting and of running migrations, and completeBy of a
 * waiting and of a running one, across the fleet (the requests' partitions, so their cancels, are spread over both
 * workers). One migration at a time into a node, so work waits behind three long migrations out of hn-01.
 * <ul>
 * <li>each waiting request cancelled ends FAILED CANCELLED, attempt 0, its Agent never called; its cancel COMPLETED;</li>
 * <li>each running one is stopped at its Agent (system/cancel) and ends FAILED CANCELLED, attempt 1, its container on
 * its source; its cancel COMPLETED;</li>
 * <li>completeBy: the running one is stopped likewise (no cancel event), the waiting one ends CANCELLED, attempt 0.</li>
 * </ul>
 * Cancel latency is from the cancel's publication to its terminal event's {@code occurredAt} (written in the same
 * transaction as the cancelled request's end).
 */
class CancelIT extends ProcessTestSupport {

    static final String RUN = "cit";
    static final long LONG_MS = 20_000;
    static final List<String> TARGETS = List.of("hn-02", "hn-03", "hn-04");
    static final int WAITING_PER_TARGET = 2;

    @Test
    void cancelsAndCompleteByStopWaitingAndRunningMigrationsAcrossTwoWorkers() {
        admin.latency("hn-01", LONG_MS);
        admin.latency("hn-02", LONG_MS);
        List<AppProcess> fleet = List.of("a", "b").stream().map(life -> startWorker(life, Map.of(
                "relocator.instance-id", "it-cancel-" + life,
                "relocator.concurrency.per-target-node", "1"))).toList();
        await(fleet);

        Map<String, String> containerOf = new LinkedHashMap<>();
        List<String> runningIds = new ArrayList<>();
        List<String> waitingIds = new ArrayList<>();
        try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap())) {
            for (String target : TARGETS) {
                runningIds.add(publish(publisher, containerOf, RUN + "-run-" + target, "hn-01", target, null));
            }
            awaitEvents(RUN, events -> runningIds.stream().allMatch(events::containsKey), Duration.ofSeconds(60));
            for (String target : TARGETS) {
                for (int i = 0; i < WAITING_PER_TARGET; i++) {
                    waitingIds.add(publish(publisher, containerOf, RUN + "-wait-" + target + "-" + i, "hn-01", target,
                            null));
                }
            }
            // They wait: every target holds its one slot for a long migration. Each cancel is read after its
            // request (same key, same partition), so it finds the request handed off, and its CANCEL follows the
            // request's WANT in the scheduler's inbox.

            Map<String, Instant> waitingCancels = cancelAll(publisher, containerOf, waitingIds, "w");
            Map<String, List<PublishedEvent>> afterWaiting = awaitEvents(RUN,
                    events -> ended(events).containsAll(waitingCancels.keySet()), Duration.ofSeconds(30));
            Map<String, Instant> runningCancels = cancelAll(publisher, containerOf, runningIds, "r");
            Map<String, List<PublishedEvent>> afterRunning = awaitEvents(RUN,
                    events -> ended(events).containsAll(runningCancels.keySet())
                            && ended(events).containsAll(runningIds), Duration.ofSeconds(60));

            // completeBy: one running out of hn-02 into hn-03, one waiting behind it for hn-03
            Instant completeBy = Instant.now().plusSeconds(4);
            String runningPastCompleteBy = publish(publisher, containerOf, RUN + "-cb-run", "hn-02", "hn-03",
                    completeBy);
            awaitEvents(RUN, events -> events.containsKey(runningPastCompleteBy), Duration.ofSeconds(30));
            String waitingPastCompleteBy = publish(publisher, containerOf, RUN + "-cb-wait", "hn-04", "hn-03",
                    completeBy);
            Map<String, List<PublishedEvent>> all = awaitEvents(RUN,
                    events -> ended(events).containsAll(List.of(runningPastCompleteBy, waitingPastCompleteBy)),
                    Duration.ofSeconds(60));

            LongSummaryStatistics waitingLatency = latencies(afterWaiting, waitingCancels);
            LongSummaryStatistics runningLatency = latencies(afterRunning, runningCancels);
            PublishedEvent cbRun = terminal(all, runningPastCompleteBy);
            PublishedEvent cbWait = terminal(all, waitingPastCompleteBy);
            Map<String, Integer> calls = callsPerContainer();

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("workers", fleet.size());
            figures.put("setup", TARGETS.size() + " migrations of " + LONG_MS + " ms out of hn-01, "
                    + waitingIds.size() + " waiting behind them (1 per target node)");
            figures.put("cancel latency, waiting (ms)", summary(waitingLatency));
            figures.put("cancel latency, running (ms)", summary(runningLatency)
                    + " (system/cancel, then idle on the source for reconcile.grace 2 s)");
            figures.put("completeBy, running: ended after completeBy (ms)",
                    Duration.between(completeBy, occurredAt(cbRun)).toMillis());
            figures.put("completeBy, waiting: ended after completeBy (ms)",
                    Duration.between(completeBy, occurredAt(cbWait)).toMillis());
            figures.put("cancelled at the Agent (simulator, hn-01)",
                    admin.stats().path("nodes").path("hn-01").path("cancelled").asLong());
            figures("CancelIT", figures);

            for (String id : waitingIds) {
                PublishedEvent end = terminal(all, id);
                assertCancelled(end, 0);
                assertEquals(0, calls.getOrDefault(containerOf.get(id), 0), id + ": never sent to its Agent");
            }
            for (String id : runningIds) {
                assertCancelled(terminal(all, id), 1);
                assertTrue(containers("hn-01").contains(containerOf.get(id)), id + ": its container stayed");
            }
            for (String cancelId : union(waitingCancels, runningCancels)) {
                PublishedEvent own = terminal(all, cancelId);
                assertEquals("COMPLETED", own.status(), own.body().toString());
                assertEquals(1, terminalsPerRequest(all).get(cancelId), "one terminal event per cancel");
            }
            assertEquals(runningIds.size(), admin.stats().path("nodes").path("hn-01").path("cancelled").asLong(),
                    "each running migration stopped by system/cancel");
            assertCancelled(cbRun, 1);
            assertTrue(cbRun.body().path("error").path("message").asText().contains("completeBy"));
            assertCancelled(cbWait, 0);
            assertTrue(cbWait.body().path("error").path("message").asText().contains("completeBy"));
            assertEquals(0, calls.getOrDefault(containerOf.get(waitingPastCompleteBy), 0));
            assertEquals(List.of(1, 1, 1), TARGETS.stream().map(t -> perNode("peakIn").get(t)).toList(),
                    "one migration at a time into each target, the cancelled ones never ran");
        }
    }

    private static void await(List<AppProcess> fleet) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fleet.get(1).log().contains(
                "Executed consumer assigned re-balance listener for group 'relocator-worker'"));
    }

    private static String publish(RequestPublisher publisher, Map<String, String> containerOf, String requestId,
            String source, String target, Instant completeBy) {
        String container = UUID.randomUUID().toString();
        admin.placeContainer(source, container);
        containerOf.put(requestId, container);
        String value = request(requestId, container, source, target);
        if (completeBy != null) {
            value = value.replace("}", ",\"completeBy\":\"" + completeBy + "\"}");
        }
        publisher.send(container, value);
        return requestId;
    }

    /** Publishes a cancel of each request; the cancels' ids with when each was published. */
    private static Map<String, Instant> cancelAll(RequestPublisher publisher, Map<String, String> containerOf,
            List<String> requestIds, String kind) {
        Map<String, Instant> published = new LinkedHashMap<>();
        for (String id : requestIds) {
            String cancelId = RUN + "-cancel-" + kind + "-" + id.substring(RUN.length() + 1);
            published.put(cancelId, Instant.now());
            publisher.send(containerOf.get(id), cancel(cancelId, id, containerOf.get(id)));
        }
        return published;
    }

    private static LongSummaryStatistics latencies(Map<String, List<PublishedEvent>> events,
            Map<String, Instant> published) {
        LongSummaryStatistics stats = new LongSummaryStatistics();
        published.forEach((cancelId, at) -> stats.accept(Duration.between(at, occurredAt(terminal(events, cancelId)))
                .toMillis()));
        return stats;
    }

    private static String summary(LongSummaryStatistics stats) {
        return "n=" + stats.getCount() + " min " + stats.getMin() + " avg " + Math.round(stats.getAverage())
                + " max " + stats.getMax();
    }

    private static Instant occurredAt(PublishedEvent event) {
        return Instant.parse(event.body().path("occurredAt").asText());
    }

    private static PublishedEvent terminal(Map<String, List<PublishedEvent>> events, String requestId) {
        return events.get(requestId).stream().filter(PublishedEvent::isTerminal).findFirst()
                .orElseThrow(() -> new AssertionError(requestId + " did not end"));
    }

    private static void assertCancelled(PublishedEvent end, int attempt) {
        assertEquals("FAILED", end.status(), end.body().toString());
        assertEquals("CANCELLED", end.body().path("error").path("code").asText(), end.body().toString());
        assertEquals(attempt, end.body().path("attempt").asInt(), end.body().toString());
    }

    private static List<String> containers(String node) {
        List<String> containers = new ArrayList<>();
        admin.stats().path("nodes").path(node).path("containers").forEach(c -> containers.add(c.asText()));
        return containers;
    }

    private static List<String> union(Map<String, Instant> a, Map<String, Instant> b) {
        List<String> ids = new ArrayList<>(a.keySet());
        ids.addAll(b.keySet());
        return ids;
    }
}
