package io.relocator.worker.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.TopicReader;

/** What the end-to-end tests share: where the broker and the application are, and waiting for events. */
abstract class FlowTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The application's HTTP port, where the simulated Agents and /q/metrics are served. */
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /** Reads the events topic until every given request has a terminal event; returns each one's events in order. */
    static Map<String, List<PublishedEvent>> eventsFor(String bootstrap, Set<String> requestIds) {
        return eventsFor(bootstrap, requestIds, WAIT);
    }

    static Map<String, List<PublishedEvent>> eventsFor(String bootstrap, Set<String> requestIds, Duration timeout) {
        Map<String, List<PublishedEvent>> events = new HashMap<>();
        Set<String> ended = new HashSet<>();
        int[] read = {0};
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
            reader.readUntil(records -> {
                for (ConsumerRecord<byte[], byte[]> record : records.subList(read[0], records.size())) {
                    PublishedEvent event = PublishedEvent.of(record);
                    if (requestIds.contains(event.requestId())) {
                        events.computeIfAbsent(event.requestId(), id -> new ArrayList<>()).add(event);
                        if (event.isTerminal()) {
                            ended.add(event.requestId());
                        }
                    }
                }
                read[0] = records.size();
                return ended.size() == requestIds.size();
            }, timeout);
        } catch (AssertionError notEnded) {
            throw new AssertionError(notEnded.getMessage() + "; not ended: " + notEnded(requestIds, ended, events),
                    notEnded);
        }
        return events;
    }

    /** The requests without a terminal event, each with the last status it reached, for a failure message. */
    private static String notEnded(Set<String> requestIds, Set<String> ended, Map<String, List<PublishedEvent>> events) {
        StringBuilder said = new StringBuilder();
        requestIds.stream().filter(id -> !ended.contains(id)).sorted().limit(20).forEach(id -> {
            List<PublishedEvent> history = events.getOrDefault(id, List.of());
            said.append(id).append('=').append(history.isEmpty() ? "no event"
                    : history.get(history.size() - 1).status()).append(' ');
        });
        return (requestIds.size() - ended.size()) + " of " + requestIds.size() + ": " + said.toString().trim();
    }
}
