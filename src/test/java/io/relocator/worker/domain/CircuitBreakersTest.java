package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Plain unit test with a hand-moved clock: open after N failures, hold back, one probe, close or open again. */
class CircuitBreakersTest {

    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), clock);

    @Test
    void opensAfterConsecutiveFailuresOnlyForThatNode() {
        breakers.record("a", false);
        breakers.record("a", false);
        breakers.record("a", true); // a success resets the count
        breakers.record("a", false);
        breakers.record("a", false);
        assertEquals(Optional.empty(), breakers.waitBefore("a"));
        breakers.record("a", false);
        assertTrue(breakers.isOpen("a"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), breakers.waitBefore("a"));
        assertEquals(Optional.empty(), breakers.waitBefore("b"));
    }

    @Test
    void letsOneProbeThroughAfterTheCoolDownAndClosesOnItsSuccess() {
        open("a");
        now = now.plusSeconds(30);
        assertEquals(Optional.empty(), breakers.waitBefore("a"), "the probe");
        assertTrue(breakers.waitBefore("a").isPresent(), "one probe at a time");
        breakers.record("a", true);
        assertFalse(breakers.isOpen("a"));
        assertEquals(Optional.empty(), breakers.waitBefore("a"));
    }

    @Test
    void opensAgainWhenTheProbeFails() {
        open("a");
        now = now.plusSeconds(31);
        breakers.waitBefore("a");
        breakers.record("a", false);
        assertEquals(Optional.of(Duration.ofSeconds(30)), breakers.waitBefore("a"));
    }

    private void open(String node) {
        for (int i = 0; i < 3; i++) {
            breakers.record(node, false);
        }
    }
}
