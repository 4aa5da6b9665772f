package io.relocator.worker.domain;

import java.util.ArrayDeque;
import java.util.Deque;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The per-process cap on migrations being run ({@code relocator.concurrency.max-in-flight}): a grant of the fleet's
 * scheduler takes a permit before its first Agent call and gives it back when its migration has ended; past the cap,
 * grants wait here in arrival order (keeping their slots in the fleet). Every method may be called from any thread;
 * a waiting {@link #acquire} completes on the thread of the {@link #release} that hands it the permit.
 */
public final class CallPermits {

    private final int max;
    private final Deque<UniEmitter<? super Void>> waiting = new ArrayDeque<>();
    private int used;
    private boolean closed;

    public CallPermits(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max-in-flight must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** Completes once a permit is held; never after {@link #close} (the worker is stopping). */
    public Uni<Void> acquire() {
        return Uni.createFrom().emitter(permit -> {
            boolean now;
            synchronized (this) {
                if (closed) {
                    return;
                }
                now = used < max;
                if (now) {
                    used++;
                } else {
                    waiting.add(permit);
                }
            }
            if (now) {
                permit.complete(null);
            }
        });
    }

    /** Gives a permit back: to the longest-waiting acquirer, if any. */
    public void release() {
        UniEmitter<? super Void> next;
        synchronized (this) {
            next = closed ? null : waiting.poll();
            if (next == null) {
                used--;
            }
        }
        if (next != null) {
            next.complete(null);
        }
    }

    /** No permit is given any more; those waiting never get one. */
    public synchronized void close() {
        closed = true;
        waiting.clear();
    }

    /** Permits held now. */
    public synchronized int inUse() {
        return used;
    }

    /** Acquirers waiting for a permit. */
    public synchronized int waiting() {
        return waiting.size();
    }
}
