package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * One circuit breaker per source node. After {@code threshold} consecutive attempts that could not reach a node's
 * Agent, no migration is sent to it for {@code coolDown}: its requests wait (holding no slot) while other nodes go on.
 * Then one probe, an {@code envm/get_info} (never a migration), is let through; its answer closes the breaker, its
 * failure opens it again. A request waits at most {@code maxWait} for a circuit, counted from its first attempt (or
 * its arrival), and never past its {@code notAfter}; {@link MigrationRunner} enforces both with {@link #waitLimit}.
 * <p>
 * Hand-written rather than a library breaker (SmallRye Fault Tolerance): the probe must be a harmless call, not the
 * guarded migration, and a waiting request must give its slots back instead of holding them.
 * <p>
 * Thread-safe: every method locks this object briefly and never blocks. {@link #admit} runs on the scheduler's serial
 * context (when an attempt starts); {@link #record} and the probe's end run on whichever thread completes the Agent
 * call (a CXF or Vert.x thread); {@link #isOpen} on the metrics thread.
 */
public final class CircuitBreakers {

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class);

    /** A node's breaker. */
    public enum State {
        /** Migrations go; consecutive attempts that could not reach the Agent are counted. */
        CLOSED,
        /** The Agent could not be reached {@code threshold} times in a row: nothing is sent until the cool-down ends. */
        OPEN,
        /** The cool-down is over and one probe ({@code envm/get_info}) is out: migrations wait for its answer. */
        HALF_OPEN
    }

    /** What {@link #admit} lets a request do now. */
    public sealed interface Gate {
        /** The circuit is closed: send the migration. */
        record Go() implements Gate {
        }

        /** Send nothing now; ask again after {@code delay}. */
        record Wait(Duration delay) implements Gate {
        }

        /** Send no migration, but this caller sends the probe, through {@link #probe} with this ticket. */
        record ProbeDue(long ticket, Duration delay) implements Gate {
        }
    }

    private final int threshold;
    private final Duration coolDown;
    private final Duration maxWait;
    private final Clock clock;
    private final Map<String, Breaker> breakers = new HashMap<>();
    private long lastTicket;

    public CircuitBreakers(int threshold, Duration coolDown, Duration maxWait, Clock clock) {
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /**
     * Whether a migration out of {@code node} may go now. When a probe is due, it is this caller's to send
     * ({@link Gate.ProbeDue}). A probe out for longer than the cool-down counts as lost: a new one is due, and the
     * old one's answer is ignored. Runs on the scheduler's serial context.
     */
    public synchronized Gate admit(String node) {
        Breaker breaker = breaker(node);
        Instant now = clock.instant();
        switch (breaker.state) {
            case CLOSED:
                return new Gate.Go();
            case OPEN:
                if (now.isBefore(breaker.openUntil)) {
                    return new Gate.Wait(Duration.between(now, breaker.openUntil));
                }
                LOG.infof("Circuit of %s half open: asking its Agent with envm/get_info", node);
                return drawProbe(breaker, now);
            default:
                if (!now.isBefore(breaker.probeSince.plus(coolDown))) {
                    LOG.warnf("Circuit of %s: the probe sent at %s has not ended; sending another", node,
                            breaker.probeSince);
                    return drawProbe(breaker, now);
                }
                return new Gate.Wait(probeWait());
        }
    }

    /**
     * Sends the probe drawn with {@code ticket}: {@code call} answers whether the Agent was reached. The probe ends,
     * and the breaker closes or opens again, however the call's Uni ends: an answer, a failure, an exception thrown by
     * {@code call} itself, or a cancellation. The returned Uni never fails. Runs on the caller's thread; its end on the
     * thread that completes {@code call}.
     */
    public Uni<Void> probe(String node, long ticket, Supplier<Uni<Boolean>> call) {
        return Uni.createFrom().<Boolean> deferred(call::get)
                .onTermination().invoke((reached, failure, cancelled) -> probeEnded(node, ticket,
                        failure == null && !cancelled && Boolean.TRUE.equals(reached)))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Records how a migration attempt out of this node went: {@code reached} is false only when the Agent could not
     * be reached. Runs on the thread that completes the Agent call.
     */
    public synchronized void record(String node, boolean reached) {
        Breaker breaker = breaker(node);
        if (reached) {
            breaker.failures = 0;
            return;
        }
        breaker.failures++;
        if (breaker.state == State.CLOSED && breaker.failures >= threshold) {
            open(node, breaker, "after " + breaker.failures + " consecutive connection failures");
        }
    }

    /** The breaker's state now. Any thread. */
    public synchronized State state(String node) {
        Breaker breaker = breakers.get(node);
        return breaker == null ? State.CLOSED : breaker.state;
    }

    /** Whether migrations to this node are held back now (open or half open). Any thread (the metrics gauge's). */
    public boolean isOpen(String node) {
        return state(node) != State.CLOSED;
    }

    /**
     * The latest instant a request may still be waiting for a circuit: {@code maxWait} after its first attempt (or
     * its arrival, when it has none), or its {@code notAfter} when earlier. Pure; any thread.
     */
    public Instant waitLimit(MigrationRequest request, AttemptHistory history) {
        Instant since = history.firstStart() != null ? history.firstStart() : request.receivedAt();
        Instant limit = since.plus(maxWait);
        return request.notAfter() != null && request.notAfter().isBefore(limit) ? request.notAfter() : limit;
    }

    /** How long the longest wait allowed is ({@code relocator.circuit.max-wait}). */
    public Duration maxWait() {
        return maxWait;
    }

    private synchronized void probeEnded(String node, long ticket, boolean reached) {
        Breaker breaker = breaker(node);
        if (breaker.state != State.HALF_OPEN || breaker.probeTicket != ticket) {
            return; // a probe given up on as lost, or one whose node was settled meanwhile
        }
        breaker.probeSince = null;
        if (reached) {
            breaker.state = State.CLOSED;
            breaker.failures = 0;
            breaker.openUntil = null;
            LOG.infof("Circuit of %s closed: its Agent answers again", node);
        } else {
            open(node, breaker, "again: the probe could not reach its Agent");
        }
    }

    private Gate drawProbe(Breaker breaker, Instant now) {
        breaker.state = State.HALF_OPEN;
        breaker.probeTicket = ++lastTicket;
        breaker.probeSince = now;
        return new Gate.ProbeDue(breaker.probeTicket, probeWait());
    }

    private void open(String node, Breaker breaker, String why) {
        breaker.state = State.OPEN;
        breaker.openUntil = clock.instant().plus(coolDown);
        LOG.warnf("Circuit of %s open for %s %s", node, coolDown, why);
    }

    /** While a probe is out, waiting requests ask again this soon. */
    private Duration probeWait() {
        return coolDown.dividedBy(10).plusMillis(1);
    }

    private Breaker breaker(String node) {
        return breakers.computeIfAbsent(node, n -> new Breaker());
    }

    /** One node's breaker; guarded by the enclosing object's lock. */
    private static final class Breaker {
        State state = State.CLOSED;
        int failures;
        Instant openUntil;
        long probeTicket;
        Instant probeSince;
    }
}
