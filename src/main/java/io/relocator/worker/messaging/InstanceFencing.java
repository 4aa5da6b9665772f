package io.relocator.worker.messaging;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Tells a failure caused by another process running under this worker's {@code relocator.instance-id} (its
 * transactional producer or its static group member was fenced), and says so in the words an operator needs. The other
 * cause of a fenced producer is named too: the scheduler fences the transactional id of a worker that left the
 * scheduler election with a transaction open on the inbox ({@link AbandonedTransactionFence}), which a process frozen
 * past its session (SIGSTOP, a long pause) finds when it wakes.
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
        return "another worker runs with relocator.instance-id=" + instanceId + "; give each process its own"
                + " (or this one was frozen past relocator.scheduler.failover-timeout / 2, taken for dead, and its"
                + " open transaction aborted by the scheduler)";
    }
}
