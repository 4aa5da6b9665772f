package io.relocator.worker.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.relocator.worker.domain.RunningWatch.Verdict;

/** Plain unit test of when a call that is out is looked at, and what the Agents' answers then mean. */
class RunningWatchTest {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration STALL = Duration.ofMinutes(30);
    final RunningWatch watch = new RunningWatch(MINUTE, STALL, Duration.ofSeconds(10));

    static final ContainerPresence IDLE_ON_SOURCE = ContainerPresence.present("a", "c", 6, null);
    static final ContainerPresence MOVING_ON_SOURCE = ContainerPresence.present("a", "c", 6, 9);
    static final ContainerPresence GONE_FROM_SOURCE = ContainerPresence.absent("a", "c");
    static final ContainerPresence ABSENT_FROM_TARGET = ContainerPresence.absent("b", "c");
    static final ContainerPresence MOVING_ON_TARGET = ContainerPresence.present("b", "c", 6, 9);
    static final ContainerPresence IDLE_ON_TARGET = ContainerPresence.present("b", "c", 6, null);
    static final ContainerPresence TARGET_UNREACHABLE = ContainerPresence.unknown("b", "c",
            MigrationError.of(ErrorCode.UNREACHABLE, "connection refused", true));

    @Test
    void heartbeatTicksAreWholeIntervalsFromStartedNumberedFromOne() {
        assertEquals(MINUTE, watch.nextTickAfter(Duration.ZERO));
        assertEquals(MINUTE.multipliedBy(2), watch.nextTickAfter(MINUTE), "strictly after");
        assertEquals(MINUTE.multipliedBy(3), watch.nextTickAfter(Duration.ofSeconds(150)), "a late tick skips ahead");
        assertEquals(1, watch.heartbeatAt(MINUTE));
        assertEquals(31, watch.heartbeatAt(MINUTE.multipliedBy(31)));
    }

    @Test
    void withoutHeartbeatsTheCallIsLookedAtFromTheStallTimeoutOnEveryCheckPeriodAndPublishesNothing() {
        RunningWatch quiet = new RunningWatch(Duration.ZERO, STALL, Duration.ofSeconds(10));
        assertTrue(quiet.enabled());
        assertEquals(STALL, quiet.nextTickAfter(Duration.ZERO));
        assertEquals(STALL.plusSeconds(10), quiet.nextTickAfter(STALL));
        assertEquals(STALL.plusSeconds(20), quiet.nextTickAfter(STALL.plusSeconds(15)));
        assertEquals(0, quiet.heartbeatAt(STALL));
    }

    @Test
    void zeroTurnsEachOff() {
        assertFalse(RunningWatch.OFF.enabled());
        RunningWatch heartbeatsOnly = new RunningWatch(MINUTE, Duration.ZERO, Duration.ofSeconds(10));
        assertEquals(Verdict.KEEP_WAITING, heartbeatsOnly.judge(Duration.ofHours(20), IDLE_ON_SOURCE,
                ABSENT_FROM_TARGET), "no stall detection");
        assertThrows(IllegalArgumentException.class, () -> new RunningWatch(MINUTE.negated(), STALL, MINUTE));
    }

    @Test
    void beforeTheStallTimeoutNothingIsStalled() {
        assertEquals(Verdict.KEEP_WAITING, watch.judge(STALL.minusMillis(1), IDLE_ON_SOURCE, ABSENT_FROM_TARGET));
    }

    @Test
    void pastTheStallTimeoutIdleOnTheSourceAndNotOnTheTargetIsALostAnswer() {
        assertEquals(Verdict.IDLE_UNANSWERED, watch.judge(STALL, IDLE_ON_SOURCE, ABSENT_FROM_TARGET));
        assertEquals(Verdict.IDLE_UNANSWERED, watch.judge(STALL, GONE_FROM_SOURCE, ABSENT_FROM_TARGET),
                "on neither node, with no transition: nothing migrates it either");
    }

    @Test
    void pastTheStallTimeoutOnTheTargetWithNoTransitionIsALostAnswerToo() {
        assertEquals(Verdict.ARRIVED_UNANSWERED, watch.judge(STALL, GONE_FROM_SOURCE, IDLE_ON_TARGET));
    }

    @Test
    void aTransitionOnEitherNodeKeepsTheCallAliveHoweverLongItRuns() {
        Duration hours = Duration.ofHours(5);
        assertEquals(Verdict.KEEP_WAITING, watch.judge(hours, MOVING_ON_SOURCE, ABSENT_FROM_TARGET));
        assertEquals(Verdict.KEEP_WAITING, watch.judge(hours, MOVING_ON_SOURCE, MOVING_ON_TARGET));
        assertEquals(Verdict.KEEP_WAITING, watch.judge(hours, GONE_FROM_SOURCE, MOVING_ON_TARGET));
    }

    @Test
    void anAgentThatCannotBeAskedSettlesNothing() {
        assertEquals(Verdict.KEEP_WAITING, watch.judge(Duration.ofHours(5), IDLE_ON_SOURCE, TARGET_UNREACHABLE));
    }
}
