package io.relocator.worker.messaging;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Tells a failure caused by another process running under this worker's {@code relocator.instance-id} (its
 * transactional producer or its static group member was fenced), and says so in the words an operator needs.
 */
final class InstanceFencing {

    private InstanceFencing() {
    }

    /** Whether {@code failure}, or one of its causes, is a fencing by a process with the same id. */
    static boolean isFencing(Throwable failure) {
        return Causes.any(failure, ProducerFencedException.class, FencedInstanceIdException.class);
    }

    /** The ERROR the fenced process stops with. */
    static String message(String instanceId) {
        return "another worker runs with relocator.instance-id=" + instanceId + "; give each process its own";
    }
}
