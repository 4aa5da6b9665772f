package io.relocator.worker.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed records are done, per partition, and so how far each partition's committed offset may advance: to
 * just after the last record of the contiguous run of done records at its head. Records are told in the order they
 * were read; offsets may have gaps (transaction markers), which is why only records actually read count.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeMap<Long, Boolean>> open = new HashMap<>();
    /** Each owned partition's committed offset: the consumer's position when it was assigned, then each commit. */
    private final Map<TopicPartition, Long> floors = new HashMap<>();

    /** The partition was assigned, its consumer at {@code position} (its committed offset). */
    synchronized void assigned(TopicPartition partition, long position) {
        floors.put(partition, position);
    }

    /** The partition's committed offset, to commit again with records that advance nothing; empty when unknown. */
    synchronized Optional<Long> floor(TopicPartition partition) {
        return Optional.ofNullable(floors.get(partition));
    }

    synchronized void read(TopicPartition partition, long offset) {
        open.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, Boolean.FALSE);
    }

    /** The record is done: its outcome is in the transaction being built. Unknown records (forgotten) are ignored. */
    synchronized void done(TopicPartition partition, long offset) {
        TreeMap<Long, Boolean> records = open.get(partition);
        if (records != null && records.containsKey(offset)) {
            records.put(offset, Boolean.TRUE);
        }
    }

    /** For each partition whose oldest open record is done: the offset to commit (after its contiguous done run). */
    synchronized Map<TopicPartition, Long> committable() {
        Map<TopicPartition, Long> next = new HashMap<>();
        open.forEach((partition, records) -> {
            Long last = null;
            for (Map.Entry<Long, Boolean> record : records.entrySet()) {
                if (!record.getValue()) {
                    break;
                }
                last = record.getKey();
            }
            if (last != null) {
                next.put(partition, last + 1);
            }
        });
        return next;
    }

    /** The offsets were committed: the records before them are closed. */
    synchronized void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((partition, offset) -> {
            floors.merge(partition, offset, Math::max);
            TreeMap<Long, Boolean> records = open.get(partition);
            if (records != null) {
                records.headMap(offset).clear();
            }
        });
    }

    /** The partitions are no longer this worker's: what was read from them is forgotten. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(open::remove);
        partitions.forEach(floors::remove);
    }
}
