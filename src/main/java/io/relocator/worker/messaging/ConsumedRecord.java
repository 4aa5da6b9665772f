package io.relocator.worker.messaging;

import org.apache.kafka.common.TopicPartition;

/**
 * All that is kept of a consumed request record once it is parsed: where it was read. Never its bytes or its key,
 * which may carry anything (a valid request padded to a megabyte costs what its fields cost, not what it weighed).
 */
record ConsumedRecord(TopicPartition partition, long offset) {

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
