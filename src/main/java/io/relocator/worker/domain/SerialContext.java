package io.relocator.worker.domain;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

/**
 * Runs actions one at a time, in submission order, on whichever thread submits while no other action is running
 * (a trampoline). The scheduler's state lives on this context, so Kafka polls and CXF callbacks arriving on
 * different threads never interleave inside it, and a test that drives it from one thread is deterministic.
 */
final class SerialContext implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialContext.class);

    private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    @Override
    public void execute(Runnable action) {
        actions.add(action);
        if (pending.getAndIncrement() != 0) {
            return; // the thread draining now will run it
        }
        do {
            runSafely(actions.poll());
        } while (pending.decrementAndGet() != 0);
    }

    private static void runSafely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("Scheduler action failed; the scheduler goes on", e);
        }
    }
}
