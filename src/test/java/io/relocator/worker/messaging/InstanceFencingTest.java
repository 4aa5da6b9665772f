package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures mean "another process has this instance id", and what the stopping worker then says. */
class InstanceFencingTest {

    @Test
    void fencingOfTheProducerOrTheStaticMemberIsTold() {
        assertTrue(InstanceFencing.isFencing(new ProducerFencedException("epoch bumped")));
        assertTrue(InstanceFencing.isFencing(new KafkaException("commit failed", new FencedInstanceIdException("x"))));
        assertFalse(InstanceFencing.isFencing(new TimeoutException("slow broker")));
    }

    @Test
    void theMessageNamesTheSettingAndTheId() {
        assertEquals("another worker runs with relocator.instance-id=worker-3; give each process its own (or this one"
                + " was frozen past relocator.scheduler.failover-timeout / 2, taken for dead, and its open transaction"
                + " aborted by the scheduler)",
                InstanceFencing.message("worker-3"));
    }
}
