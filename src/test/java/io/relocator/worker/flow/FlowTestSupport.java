package io.relocator.worker.flow;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.relocator.worker.testing.PublishedEvent;
import io.relocator.worker.testing.TopicReader;

/** What the end-to-end tests share: waiting for the events of a set of requests. */
abstract class FlowTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** Reads the events topic until every given request has a terminal event; returns each one's events in order. */
    static Map<String, List<PublishedEvent>> eventsFor(String bootstrap, Set<String> requestIds) {
        try (TopicReader reader = new TopicReader(bootstrap, "migration-events")) {
            List<ConsumerRecord<byte[], byte[]>> all = reader.readUntil(records -> records.stream()
                    .map(PublishedEvent::of).filter(e -> requestIds.contains(e.requestId()))
                    .filter(PublishedEvent::isTerminal).count() >= requestIds.size(), WAIT);
            return all.stream().map(PublishedEvent::of).filter(e -> requestIds.contains(e.requestId()))
                    .collect(Collectors.groupingBy(PublishedEvent::requestId, Collectors.toList()));
        }
    }
}
