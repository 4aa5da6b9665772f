package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.relocator.worker.simulator.SimulatedAgents.EnvView;

/**
 * The real Agent's timing, learned by the simulator, on a hand-moved clock: the accept-to-visible window, the
 * transition on both nodes while a migration runs, and an Agent that never shows one. Plain Java: no HTTP.
 */
class SimulatedAgentsTimingTest {

    static final String CT = "a8a73d01-2969-6b48-9544-5cbf6ea7c554";
    final AtomicLong now = new AtomicLong(1_000_000);
    final String password = UUID.randomUUID().toString(); // made at run time, never committed
    final SimulatedAgents agents = new SimulatedAgents(new Credentials("root", Optional.of(password)), Duration.ZERO,
            now::get);
    final SimulatedNode source = agents.node("hn-01");
    final SimulatedNode target = agents.node("hn-02");

    @Test
    void duringTheWindowNothingShowsThenTheContainerIsInTransitionOnBothNodes() {
        agents.setTiming("hn-01", Optional.of(new AgentTiming(Duration.ofSeconds(5), true)));
        agents.placeContainer("hn-01", CT);
        SimulatedAgents.Migration migration = agents.beginMigration(source, call(), Optional.empty());

        assertEquals(List.of(idle()), agents.envsOn(source, List.of(CT)), "accepted, but not visible yet");
        assertEquals(List.of(), agents.envsOn(target, List.of(CT)));

        now.addAndGet(5_000);
        assertEquals(List.of(inTransition()), agents.envsOn(source, List.of(CT)));
        assertEquals(List.of(inTransition()), agents.envsOn(target, List.of(CT)));
        assertEquals(List.of(inTransition()), agents.envsOn(target, List.of()), "also when get_info names no eid");

        agents.finishMigration(migration);
        assertEquals(List.of(), agents.envsOn(source, List.of(CT)));
        assertEquals(List.of(idle()), agents.envsOn(target, List.of(CT)));
    }

    @Test
    void anAgentThatShowsNoTransitionShowsTheRunningMigrationAsIdle() {
        agents.setDefaultTiming(new AgentTiming(Duration.ZERO, false));
        agents.placeContainer("hn-01", CT);
        agents.beginMigration(source, call(), Optional.empty());
        assertEquals(List.of(idle()), agents.envsOn(source, List.of(CT)));
        assertEquals(List.of(idle()), agents.envsOn(target, List.of(CT)), "on both nodes while it moves");
    }

    @Test
    void aContainerBeingMigratedInTheWindowIsStillLockedAgainstASecondMigration() {
        agents.setTiming("hn-01", Optional.of(new AgentTiming(Duration.ofSeconds(5), true)));
        agents.placeContainer("hn-01", CT);
        agents.beginMigration(source, call(), Optional.empty());
        AgentFault busy = assertThrows(AgentFault.class, () -> agents.beginMigration(source, call(), Optional.empty()));
        assertEquals(AgentFault.CONTAINER_BUSY, busy.code());
    }

    /** The migration an Agent holds unseen: cancelled by its packet id, it never completes, and its locks are freed. */
    @Test
    void aCancelledMigrationNeverCompletesAndItsContainerStaysIdleOnTheSource() {
        agents.setTiming("hn-01", Optional.of(new AgentTiming(Duration.ofSeconds(5), true)));
        agents.placeContainer("hn-01", CT);
        SimulatedAgents.Migration migration = agents.beginMigration(source, call(), Optional.of("p-1"));

        agents.cancel(source, "p-1");

        assertFalse(agents.finishMigration(migration), "its timer ends nothing");
        now.addAndGet(5_000);
        assertEquals(List.of(idle()), agents.envsOn(source, List.of(CT)), "on the source, no transition");
        assertEquals(List.of(), agents.envsOn(target, List.of(CT)));
        assertEquals(0, source.inFlightOut.get());
        assertEquals(0, target.inFlightIn.get());
        assertEquals(1, source.cancelled.get());
        assertEquals(0, source.completed.get());
        agents.finishMigration(agents.beginMigration(source, call(), Optional.of("p-2")));
        assertEquals(List.of(idle()), agents.envsOn(target, List.of(CT)), "unlocked: the next one runs");
    }

    @Test
    void aPacketNeverAcceptedOrAlreadyEndedIsAnUnknownMessage() {
        agents.placeContainer("hn-01", CT);
        assertEquals(AgentFault.UNKNOWN_MESSAGE, assertThrows(AgentFault.class, () -> agents.cancel(source, "p-0")).code());
        SimulatedAgents.Migration migration = agents.beginMigration(source, call(), Optional.of("p-1"));
        assertEquals(AgentFault.UNKNOWN_MESSAGE, assertThrows(AgentFault.class, () -> agents.cancel(target, "p-1")).code(),
                "known only on the node that accepted it");
        assertTrue(agents.finishMigration(migration));
        assertEquals(AgentFault.UNKNOWN_MESSAGE, assertThrows(AgentFault.class, () -> agents.cancel(source, "p-1")).code());
        assertEquals(List.of(idle()), agents.envsOn(target, List.of(CT)));
        assertEquals(3, source.cancelCalls.get() + target.cancelCalls.get());
    }

    private static EnvView idle() {
        return new EnvView(CT, SimulatedAgents.STATE_RUNNING, null);
    }

    private static EnvView inTransition() {
        return new EnvView(CT, SimulatedAgents.STATE_RUNNING, SimulatedAgents.TRANSITION_MIGRATING);
    }

    private MigrateV2vCall call() {
        return new MigrateV2vCall(false, false, Optional.empty(), Optional.empty(), List.of(CT), "hn-02.sim.invalid",
                b64("root"), b64(password));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
