package io.relocator.worker.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * One circuit breaker per source node. After {@code threshold} consecutive attempts that could not reach a node's
 * Agent, no call is sent to it for {@code coolDown}: its requests wait (holding no slot) while other nodes go on.
 * Then one probe is let through; its success closes the breaker, its failure opens it again. Thread-safe.
 */
public final class CircuitBreakers {

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class);

    private final int threshold;
    private final Duration coolDown;
    private final Clock clock;
    private final Map<String, Breaker> breakers = new HashMap<>();

    public CircuitBreakers(int threshold, Duration coolDown, Clock clock) {
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Empty when a call to this node may go now (and it is then counted as the probe if one is due); else how long to wait. */
    public synchronized Optional<Duration> waitBefore(String node) {
        Breaker breaker = breakers.computeIfAbsent(node, n -> new Breaker());
        if (breaker.openUntil == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isBefore(breaker.openUntil)) {
            return Optional.of(Duration.between(now, breaker.openUntil));
        }
        if (breaker.probing) {
            return Optional.of(coolDown.dividedBy(10).plusMillis(1)); // a probe is out: ask again soon
        }
        breaker.probing = true;
        LOG.infof("Circuit of %s half open: sending one probe", node);
        return Optional.empty();
    }

    /** Records how a call to this node went: {@code reached} is false only when the Agent could not be reached. */
    public synchronized void record(String node, boolean reached) {
        Breaker breaker = breakers.computeIfAbsent(node, n -> new Breaker());
        breaker.probing = false;
        if (reached) {
            if (breaker.openUntil != null) {
                LOG.infof("Circuit of %s closed: its Agent answers again", node);
            }
            breaker.failures = 0;
            breaker.openUntil = null;
            return;
        }
        breaker.failures++;
        if (breaker.failures >= threshold || breaker.openUntil != null) {
            breaker.openUntil = clock.instant().plus(coolDown);
            LOG.warnf("Circuit of %s open for %s after %d consecutive connection failures", node, coolDown,
                    breaker.failures);
        }
    }

    /** Whether calls to this node are held back now. */
    public synchronized boolean isOpen(String node) {
        Breaker breaker = breakers.get(node);
        return breaker != null && breaker.openUntil != null;
    }

    private static final class Breaker {
        int failures;
        Instant openUntil;
        boolean probing;
    }
}
