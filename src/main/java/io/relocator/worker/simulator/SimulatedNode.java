package io.relocator.worker.simulator;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated Hardware Node: the containers on it, its Agent's open sessions, its injected fault and its counters.
 * <p>
 * Thread-safe: Quarkus spreads HTTP connections over several event loops, so two requests for the same node can run
 * at once on different threads. Every field is a concurrent collection, an atomic or a volatile reference to an
 * immutable value; no method blocks.
 */
final class SimulatedNode {

    private final String id;
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private volatile FaultInjection fault = FaultInjection.NONE;
    private volatile Optional<Duration> latency = Optional.empty();
    private volatile Optional<AgentTiming> timing = Optional.empty();
    private volatile boolean cancelTooLate;

    final AtomicLong migrateCalls = new AtomicLong();
    final AtomicLong loginCalls = new AtomicLong();
    final AtomicLong getInfoCalls = new AtomicLong();
    final AtomicLong sessionRejects = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong cancelCalls = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** {@code migrate_v2v} calls held unanswered by a {@code STALL} or {@code STALL_AFTER_MIGRATE} fault. */
    final AtomicLong stalled = new AtomicLong();
    final AtomicInteger inFlightIn = new AtomicInteger();
    final AtomicInteger inFlightOut = new AtomicInteger();
    final AtomicInteger peakIn = new AtomicInteger();
    final AtomicInteger peakOut = new AtomicInteger();

    SimulatedNode(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    Set<String> containers() {
        return containers;
    }

    Set<String> sessions() {
        return sessions;
    }

    FaultInjection fault() {
        return fault;
    }

    void fault(FaultInjection fault) {
        this.fault = fault;
    }

    Optional<Duration> latency() {
        return latency;
    }

    void latency(Optional<Duration> latency) {
        this.latency = latency;
    }

    /** This node's own timing, if it has one (else the simulator-wide one applies). */
    Optional<AgentTiming> timing() {
        return timing;
    }

    void timing(Optional<AgentTiming> timing) {
        this.timing = timing;
    }

    /** Whether its Agent answers {@code system/cancel} of a running migration "too late" (it completes anyway). */
    boolean cancelTooLate() {
        return cancelTooLate;
    }

    void cancelTooLate(boolean tooLate) {
        this.cancelTooLate = tooLate;
    }

    /** Counts one more incoming migration and keeps the highest number ever seen at once. */
    void startIncoming() {
        peakIn.accumulateAndGet(inFlightIn.incrementAndGet(), Math::max);
    }

    /** Counts one more outgoing migration and keeps the highest number ever seen at once. */
    void startOutgoing() {
        peakOut.accumulateAndGet(inFlightOut.incrementAndGet(), Math::max);
    }

    /** Clears counters and peaks; containers, sessions, fault and latency stay, so a test can reset between phases. */
    void resetCounters() {
        for (AtomicLong counter : new AtomicLong[] {migrateCalls, loginCalls, getInfoCalls, sessionRejects,
                completed, failed, cancelCalls, cancelled, stalled}) {
            counter.set(0);
        }
        // A migration still running keeps counting: the peak restarts from what is in flight now.
        peakIn.set(inFlightIn.get());
        peakOut.set(inFlightOut.get());
    }
}
