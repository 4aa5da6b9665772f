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
        }
        return events;
    }
}
