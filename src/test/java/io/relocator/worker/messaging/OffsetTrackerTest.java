package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    static final TopicPartition P0 = new TopicPartition("requests", 0);
    static final TopicPartition P1 = new TopicPartition("requests", 1);

    final OffsetTracker tracker = new OffsetTracker();

    @Test
    void aPartitionAdvancesOnlyOverItsContiguousDoneRecords() {
        tracker.read(P0, 10);
        tracker.read(P0, 11);
        tracker.read(P0, 12);
        tracker.done(P0, 11);
        assertEquals(Map.of(), tracker.committable(), "10 is not done: nothing may be committed");
        tracker.done(P0, 10);
        assertEquals(Map.of(P0, 12L), tracker.committable());
    }

    @Test
    void gapsBetweenOffsetsReadDoNotHoldAPartitionBack() {
        tracker.read(P0, 10);
        tracker.read(P0, 14); // 11-13: transaction markers, never read
        tracker.done(P0, 14);
        tracker.done(P0, 10);
        assertEquals(Map.of(P0, 15L), tracker.committable());
    }

    @Test
    void committedOffsetsCloseTheirRecordsAndPartitionsAreIndependent() {
        tracker.read(P0, 1);
        tracker.read(P0, 2);
        tracker.read(P1, 7);
        tracker.done(P0, 1);
        tracker.done(P1, 7);
        Map<TopicPartition, Long> next = tracker.committable();
        assertEquals(Map.of(P0, 2L, P1, 8L), next);
        tracker.committed(next);
        assertEquals(Map.of(), tracker.committable(), "nothing new is done");
        tracker.done(P0, 2);
        assertEquals(Map.of(P0, 3L), tracker.committable());
    }

    @Test
    void forgottenPartitionsAreNeitherTrackedNorCommitted() {
        tracker.read(P0, 1);
        tracker.forget(List.of(P0));
        tracker.done(P0, 1);
        assertEquals(Map.of(), tracker.committable());
    }
}
