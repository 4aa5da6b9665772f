package io.relocator.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        SimulatedAgents.Migration migration = agents.beginMigration(source, call());

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
        agents.beginMigration(source, call());
        assertEquals(List.of(idle()), agents.envsOn(source, List.of(CT)));
        assertEquals(List.of(idle()), agents.envsOn(target, List.of(CT)), "on both nodes while it moves");
    }

    @Test
    void aContainerBeingMigratedInTheWindowIsStillLockedAgainstASecondMigration() {
        agents.setTiming("hn-01", Optional.of(new AgentTiming(Duration.ofSeconds(5), true)));
        agents.placeContainer("hn-01", CT);
        agents.beginMigration(source, call());
        AgentFault busy = assertThrows(AgentFault.class, () -> agents.beginMigration(source, call()));
        assertEquals(AgentFault.CONTAINER_BUSY, busy.code());
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
