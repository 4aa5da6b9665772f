package io.relocator.worker.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Agent simulator's settings, {@code relocator.simulator.*}. The simulator is for tests, demos and benchmarks;
 * production leaves it disabled (the default), and then none of its routes exist.
 */
@ConfigMapping(prefix = "relocator.simulator")
public interface SimulatorConfig {

    /**
     * Whether to serve the simulated Agents at {@code /simulator/agents/{node}} and, with an admin token, the admin
     * view at {@code /simulator/admin}.
     */
    @WithDefault("false")
    boolean enabled();

    /** The user name every simulated Agent accepts, at login and as {@code dst} credentials of a migration. */
    @WithDefault("root")
    String username();

    /**
     * The password every simulated Agent accepts. No default: without one every login and every migration is refused
     * (and start-up says so). Set it from the environment, never in a committed file. Never logged.
     */
    Optional<String> password();

    /**
     * The token every request to the admin view must carry as {@code Authorization: Bearer <token>}. No default:
     * without one the admin routes are not mounted (404, and start-up says so). From the environment
     * ({@code RELOCATOR_SIMULATOR_ADMIN_TOKEN}), never a committed file. Never logged.
     */
    Optional<String> adminToken();

    /** At most this many simulated nodes; a call that would create one more is refused and creates nothing. */
    @WithDefault("10000")
    int maxNodes();

    /** At most this many containers on all simulated nodes together; an admin call that would pass it places none. */
    @WithDefault("1000000")
    int maxContainers();

    /** How long a migration takes when its source node sets no latency of its own; served by a timer, no thread held. */
    @WithDefault("0s")
    Duration latency();

    /**
     * How long after accepting a {@code migrate_v2v} the simulated Agents still show the container as if nothing
     * happened (no transition on the source, absent from the target), as a real Agent does for a moment. The
     * worker's {@code relocator.reconcile.grace} must be longer. Per node: {@code PUT .../nodes/{node}/timing}.
     */
    @WithDefault("0s")
    Duration acceptToVisible();

    /** Whether a running migration shows a {@code status/transition} on both nodes once the window has passed. */
    @WithDefault("true")
    boolean showTransition();

    /**
     * Whether the simulated Agents offer {@code system/cancel}. Off, they answer it as an unknown operation (121), as
     * an Agent without it would; changeable with {@code PUT /simulator/admin/cancel}.
     */
    @WithDefault("true")
    boolean offersCancel();

    /** The Agent error code answered for a missing, unknown or expired session (the worker then logs in again). */
    @WithDefault("112")
    int sessionInvalidCode();

    /** Per node settings, keyed by node id; a node not listed here exists as soon as a request or admin call names it. */
    Map<String, Node> nodes();

    /** One simulated node. */
    interface Node {

        /** Containers (GUIDs) on this node at start-up. */
        Optional<List<String>> containers();

        /** How long a migration out of this node takes; overrides {@code relocator.simulator.latency}. */
        Optional<Duration> latency();

        /** The fault this node injects from start-up; changeable later through the admin view. */
        @WithDefault("NONE")
        FaultMode fault();

        /** The Agent error code answered by {@code fault=AGENT_ERROR}. */
        @WithDefault("500")
        int faultCode();
    }
}
