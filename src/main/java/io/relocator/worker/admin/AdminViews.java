package io.relocator.worker.admin;

import java.time.Instant;
import java.util.List;

/** The JSON shapes of the admin API (and the model of the admin page), all read from the fleet's view. */
public final class AdminViews {

    private AdminViews() {
    }

    /**
     * A node: its bounds now ({@code maxIncoming}, {@code maxOutgoing}: an operator's override, else the configured
     * ones, which are also given), migrations granted into and out of it and requests waiting for it (fleet-wide),
     * its pauses, whether it is drained (paused, nothing running in a paused direction), and its circuit as this
     * worker sees it ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}).
     */
    public record Node(String node, int maxIncoming, int maxOutgoing, int configuredMaxIncoming,
            int configuredMaxOutgoing, boolean boundsOverridden, int incoming, int outgoing, int waiting,
            boolean pausedIn, boolean pausedOut, boolean drained, String circuit) {
    }

    /** A request waiting for slots: its place among those waiting for its target (1 = next), and for how long. */
    public record Waiting(String requestId, String containerId, String sourceNode, String targetNode,
            String priority, int position, Instant receivedAt, long waitingSeconds) {
    }

    /**
     * A request holding slots: {@code GRANTED} (running, or between attempts) or {@code ENDING} (ended by the
     * scheduler, its terminal event being written); since its grant; {@code attempt} when this worker owns its
     * partition (else null).
     */
    public record Running(String requestId, String containerId, String sourceNode, String targetNode, String state,
            long epoch, Instant since, long elapsedSeconds, Integer attempt) {
    }

    /** A request whose slots were released lately (its outcome is its terminal event on the events topic). */
    public record Ended(String requestId, String containerId, String sourceNode, String targetNode,
            Instant endedAt) {
    }

    /** What waits and runs in the fleet now, and what ended lately. */
    public record Migrations(List<Waiting> waiting, List<Running> running, List<Ended> recentlyEnded) {
    }

    /**
     * One request as the fleet knows it: {@code WAITING}, {@code GRANTED}, {@code ENDING}, or {@code ENDED} (lately),
     * and what this worker's outcome marks say of it when it owns the request's partition.
     */
    public record Request(String requestId, String state, Waiting waiting, Running running, Ended ended,
            Mark mark) {
    }

    /** This worker's outcome mark of a request: {@code HANDED_OFF}, {@code IN_FLIGHT} or {@code ENDED}. */
    public record Mark(String stage, int attempt, Instant receivedAt, Instant firstStart, Instant at) {
    }

    /** The answer to a mutation: published (the scheduler applies a node control within a step). */
    public record Accepted(String action, String subject, String id, String by) {
    }

    /** Why a call was refused or failed. */
    public record Problem(String error) {
    }
}
