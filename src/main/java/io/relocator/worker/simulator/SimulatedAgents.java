package io.relocator.worker.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The state of every simulated node's Agent in this process: which containers are where, open sessions, migrations
 * in flight and the counters the admin view reports. Plain Java, so it is tested without Quarkus; the SOAP handler
 * and the admin routes are its only callers.
 * <p>
 * Thread-safe (concurrent maps, atomics): requests for one node may arrive on several event loops. One lock, held
 * only while a node is created or containers are placed (setup calls and a node's first mention), keeps two calls from
 * passing the {@link SimulatorLimits} together.
 * A container's move is not one atomic step across both nodes, but the map of migrations in progress keeps any other
 * migration of it out until the move is complete, and {@code get_info} during the move sees it on one node or both,
 * never on none. While it runs, the container shows a {@code status/transition} on both nodes once its source's
 * {@link AgentTiming} window has passed, as a real Agent does. A migration accepted with a packet id can be stopped by
 * {@code system/cancel} naming it, until it ends: it then never completes, and the container stays on its source.
 */
public final class SimulatedAgents {

    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Credentials credentials;
    private final Duration defaultLatency;
    private final Map<String, SimulatedNode> nodes = new ConcurrentHashMap<>();
    private final LongSupplier millis;
    private volatile AgentTiming defaultTiming = AgentTiming.IMMEDIATE;
    /** Containers a migration holds, with the migration (which tells from when it shows its transition). */
    private final Map<String, InProgress> migrating = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> migrateCallsByContainer = new ConcurrentHashMap<>();
    /** Migrations begun and not ended, on every node: what a fleet-wide bound is checked against. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The most migrations ever in flight at once on every node together, since the start or the last reset. */
    private final AtomicInteger peakInFlight = new AtomicInteger();
    /** Migrations accepted with a packet id and not ended, by source node and packet id: what system/cancel finds. */
    private final Map<PacketKey, Migration> byPacket = new ConcurrentHashMap<>();
    private volatile boolean offersCancel = true;
    private volatile SimulatorLimits limits = SimulatorLimits.DEFAULT;
    /** Held while a node is created or containers are placed, so two calls cannot pass a limit together. */
    private final Object creation = new Object();

    /**
     * A migration accepted by {@link #beginMigration} and not yet finished or cancelled.
     *
     * @param packetId its call's {@code packet_header/@id}, or null
     * @param ended    claimed once, by whichever comes first: {@link #finishMigration} or {@link #cancel}
     * @param onCancel  what answers its call at once when {@link #cancel} stops it (a running or a held, stalled call)
     */
    record Migration(SimulatedNode source, SimulatedNode destination, List<String> eids, String packetId,
            AtomicBoolean ended, AtomicReference<Runnable> onCancel) {

        /** What answers the migration's call at once when {@code system/cancel} stops it (its caller still waits). */
        void onCancel(Runnable answer) {
            onCancel.set(answer);
        }
    }

    private record PacketKey(SimulatedNode source, String packetId) {
    }

    /** One container's migration in progress: shown in transition on both nodes from {@code visibleAtMillis}. */
    private record InProgress(SimulatedNode source, SimulatedNode destination, long visibleAtMillis,
            boolean showTransition) {
    }

    /**
     * One {@code env} of a {@code get_info} answer.
     *
     * @param transition the simulator's transition code while a migration holds the container, else null
     */
    record EnvView(String eid, int state, Integer transition) {
    }

    /** The simulator's {@code status/state} of every container: running (codes are not published; 6 is "running"). */
    static final int STATE_RUNNING = 6;
    /** The simulator's own {@code status/transition} code for a migration (the Agent's codes are not published). */
    static final int TRANSITION_MIGRATING = 9;

    public SimulatedAgents(Credentials credentials, Duration defaultLatency) {
        this(credentials, defaultLatency, System::currentTimeMillis);
    }

    /** With a clock of its own, so a test can move past an accept-to-visible window without waiting for it. */
    SimulatedAgents(Credentials credentials, Duration defaultLatency, LongSupplier millis) {
        this.credentials = credentials;
        this.defaultLatency = defaultLatency;
        this.millis = millis;
    }

    /**
     * The node with this id, created empty on first mention (a route, a destination address, the configuration or an
     * admin call). Ids are
     * checked like the worker's inventory ids, so a typo in a URL cannot create a node no address can name.
     */
    SimulatedNode node(String id) {
        if (!isNodeId(id)) {
            throw new IllegalArgumentException("not a node id: " + id);
        }
        SimulatedNode known = nodes.get(id);
        if (known != null) {
            return known;
        }
        synchronized (creation) {
            if (!nodes.containsKey(id) && nodes.size() >= limits.maxNodes()) {
                throw new SimulatorLimitReached("relocator.simulator.max-nodes (" + limits.maxNodes()
                        + ") reached: node " + id + " not created");
            }
            return nodes.computeIfAbsent(id, SimulatedNode::new);
        }
    }

    /** How many nodes and containers the simulator may hold from now on. Any thread. */
    public void setLimits(SimulatorLimits limits) {
        this.limits = limits;
    }

    static boolean isNodeId(String id) {
        return id != null && NODE_ID.matcher(id).matches();
    }

    Collection<SimulatedNode> nodes() {
        return nodes.values();
    }

    Map<String, AtomicLong> migrateCallsByContainer() {
        return migrateCallsByContainer;
    }

    /** Puts a container on a node, taking it off any other: a container exists on one node only. Any thread. */
    public void placeContainer(String nodeId, String eid) {
        placeContainers(nodeId, List.of(eid));
    }

    /**
     * Puts containers on a node, taking each off any other; all of them, or none with {@link SimulatorLimitReached}
     * when the node or the new containers would pass the {@link SimulatorLimits}. Any thread.
     */
    public void placeContainers(String nodeId, List<String> eids) {
        synchronized (creation) {
            long held = nodes.values().stream().mapToLong(n -> n.containers().size()).sum();
            long added = eids.stream().distinct()
                    .filter(eid -> nodes.values().stream().noneMatch(n -> n.containers().contains(eid))).count();
            if (held + added > limits.maxContainers()) {
                throw new SimulatorLimitReached("relocator.simulator.max-containers (" + limits.maxContainers()
                        + ") reached: " + held + " held, " + added + " more asked for, none placed");
            }
            SimulatedNode node = node(nodeId);
            for (String eid : eids) {
                nodes.values().forEach(n -> n.containers().remove(eid));
                node.containers().add(eid);
            }
        }
    }

    public void injectFault(String nodeId, FaultInjection fault) {
        node(nodeId).fault(fault);
    }

    public void setLatency(String nodeId, Optional<Duration> latency) {
        node(nodeId).latency(latency);
    }

    /** The timing of every node that sets none of its own. Any thread. */
    public void setDefaultTiming(AgentTiming timing) {
        this.defaultTiming = timing;
    }

    /** The node's own timing, or back to the simulator-wide one with an empty value. Any thread. */
    public void setTiming(String nodeId, Optional<AgentTiming> timing) {
        node(nodeId).timing(timing);
    }

    /** How a migration out of this node shows: its own timing, else the simulator-wide one. */
    AgentTiming timingOf(SimulatedNode source) {
        return source.timing().orElse(defaultTiming);
    }

    /** Whether the Agents offer {@code system/cancel}; without it they answer it as an unknown operation. Any thread. */
    public void setOffersCancel(boolean offers) {
        this.offersCancel = offers;
    }

    boolean offersCancel() {
        return offersCancel;
    }

    /** Ends every session of the node, so the next call from a client must log in again. */
    public void expireSessions(String nodeId) {
        node(nodeId).sessions().clear();
    }

    public void resetCounters() {
        nodes.values().forEach(SimulatedNode::resetCounters);
        migrateCallsByContainer.clear();
        // As on each node: a migration still running keeps counting, so the peak restarts from what is in flight now.
        peakInFlight.set(inFlight.get());
    }

    /** Migrations in flight now, on every node together. Any thread. */
    int inFlight() {
        return inFlight.get();
    }

    /** The most migrations in flight at once on every node together. Any thread. */
    int peakInFlight() {
        return peakInFlight.get();
    }

    /** How long a migration out of this node takes: its own latency, else the simulator-wide one. */
    Duration latencyOf(SimulatedNode source) {
        return source.latency().orElse(defaultLatency);
    }

    /** Opens a session on the node for the decoded user and password, or refuses with {@link AgentFault#LOGIN_REFUSED}. */
    String login(SimulatedNode node, byte[] user, byte[] password) {
        node.loginCalls.incrementAndGet();
        if (node.fault().mode() == FaultMode.REFUSE_LOGIN || !credentials.matches(user, password)) {
            throw new AgentFault(AgentFault.LOGIN_REFUSED, "Login failed: invalid user name or password");
        }
        String session = UUID.randomUUID().toString();
        node.sessions().add(session);
        return session;
    }

    boolean sessionValid(SimulatedNode node, String session) {
        return session != null && node.sessions().contains(session);
    }

    /** Counts a {@code migrate_v2v} call that carried a valid session, on the node and per container. */
    void countMigrateCall(SimulatedNode source, List<String> eids) {
        source.migrateCalls.incrementAndGet();
        eids.forEach(eid -> migrateCallsByContainer.computeIfAbsent(eid, k -> new AtomicLong()).incrementAndGet());
    }

    /**
     * Checks a migration as an Agent would before copying anything and locks its containers; the caller must
     * {@link #finishMigration} it. Throws {@link AgentFault} with a distinct code for each refusal.
     */
    Migration beginMigration(SimulatedNode source, MigrateV2vCall call, Optional<String> packetId) {
        return beginMigration(source, call, packetId, false);
    }

    /**
     * As {@link #beginMigration(SimulatedNode, MigrateV2vCall, Optional)}; a {@code stalled} one never shows (no
     * transition, never on the destination) and is never finished: only {@link #cancel} ends it.
     */
    Migration beginMigration(SimulatedNode source, MigrateV2vCall call, Optional<String> packetId, boolean stalled) {
        // Any address whose first label is a node id names a simulated node (created on first mention, as a route
        // does): the worker's inventory, not the simulator's, decides which nodes exist.
        SimulatedNode destination = isNodeId(call.destinationNodeId()) ? destination(call.destinationNodeId()) : null;
        if (destination == null) {
            throw new AgentFault(AgentFault.UNKNOWN_DESTINATION, "Unknown destination host " + call.dstAddress());
        }
        if (destination == source) {
            throw new AgentFault(AgentFault.SAME_NODE, "Destination is the source node");
        }
        if (!credentials.matches(decode(call.dstName()), decode(call.dstPassword()))) {
            throw new AgentFault(AgentFault.DESTINATION_LOGIN_REFUSED, "Cannot log in to destination node");
        }
        AgentTiming timing = timingOf(source);
        reserve(call.eids(), stalled ? new InProgress(source, destination, Long.MAX_VALUE, false)
                : new InProgress(source, destination, millis.getAsLong() + timing.acceptToVisible().toMillis(),
                        timing.showTransition()));
        List<String> missing = call.eids().stream().filter(eid -> !source.containers().contains(eid)).toList();
        if (!missing.isEmpty()) {
            call.eids().forEach(migrating::remove);
            throw new AgentFault(AgentFault.CONTAINER_NOT_FOUND, "Environment does not exist: " + missing.get(0));
        }
        source.startOutgoing();
        destination.startIncoming();
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Migration migration = new Migration(source, destination, call.eids(), packetId.orElse(null),
                new AtomicBoolean(), new AtomicReference<>(() -> { }));
        packetId.ifPresent(id -> byPacket.putIfAbsent(new PacketKey(source, id), migration));
        return migration;
    }

    /**
     * Moves the containers to the destination and frees them; called once per begun migration, when its time is up.
     * False, and nothing moved, when {@link #cancel} stopped it first.
     */
    boolean finishMigration(Migration migration) {
        if (!end(migration)) {
            return false;
        }
        for (String eid : migration.eids()) {
            migration.destination().containers().add(eid);
            migration.source().containers().remove(eid);
            migrating.remove(eid);
        }
        migration.source().completed.incrementAndGet();
        return true;
    }

    /**
     * {@code system/cancel} on {@code source}: stops the migration accepted there with this packet id, if it has not
     * ended; its containers stay on the source, with no transition, and its call is answered at once with
     * {@link AgentFault#CANCELLED}. Else {@link AgentFault#UNKNOWN_MESSAGE}; on a node set to answer cancels too late
     * ({@link #setCancelTooLate}), {@link AgentFault#TOO_LATE}, and the migration goes on to complete.
     */
    void cancel(SimulatedNode source, String messageId) {
        source.cancelCalls.incrementAndGet();
        Migration migration = byPacket.get(new PacketKey(source, messageId));
        if (migration != null && !migration.ended().get() && source.cancelTooLate()) {
            throw new AgentFault(AgentFault.TOO_LATE, "Message " + messageId + " can no longer be cancelled");
        }
        if (migration == null || !end(migration)) {
            throw new AgentFault(AgentFault.UNKNOWN_MESSAGE, "No message " + messageId + " is being processed");
        }
        migration.eids().forEach(migrating::remove);
        source.cancelled.incrementAndGet();
        migration.onCancel().get().run();
    }

    /** Whether the node's Agent answers {@code system/cancel} of a running migration too late. Any thread. */
    public void setCancelTooLate(String nodeId, boolean tooLate) {
        node(nodeId).cancelTooLate(tooLate);
    }

    /** The destination node, or null when it does not exist and the node limit forbids creating it. */
    private SimulatedNode destination(String id) {
        try {
            return node(id);
        } catch (SimulatorLimitReached full) {
            return null;
        }
    }

    /** Claims the migration's end for the caller; false when it has ended already. */
    private boolean end(Migration migration) {
        if (!migration.ended().compareAndSet(false, true)) {
            return false;
        }
        if (migration.packetId() != null) {
            byPacket.remove(new PacketKey(migration.source(), migration.packetId()), migration);
        }
        migration.source().inFlightOut.decrementAndGet();
        migration.destination().inFlightIn.decrementAndGet();
        inFlight.decrementAndGet();
        return true;
    }

    /** The containers of the node among those asked for, in the order asked; all of them when none is named. */
    List<String> containersPresent(SimulatedNode node, List<String> eids) {
        return envsOn(node, eids).stream().map(EnvView::eid).toList();
    }

    /**
     * What {@code get_info} on the node shows of the containers asked for (all, when none is named): those on it, and,
     * once a migration into it is visible, the container coming in; each in transition while a visible migration
     * holds it.
     */
    List<EnvView> envsOn(SimulatedNode node, List<String> eids) {
        long now = millis.getAsLong();
        List<String> asked = eids.isEmpty() ? candidates(node) : eids.stream().distinct().toList();
        List<EnvView> envs = new ArrayList<>();
        for (String eid : asked) {
            InProgress move = migrating.get(eid);
            boolean visible = move != null && now >= move.visibleAtMillis();
            boolean here = node.containers().contains(eid) || visible && move.destination() == node;
            if (here) {
                envs.add(new EnvView(eid, STATE_RUNNING,
                        visible && move.showTransition() ? TRANSITION_MIGRATING : null));
            }
        }
        return envs;
    }

    /** Whether a migration holds the container now (visible or not). */
    boolean isMigrating(String eid) {
        return migrating.containsKey(eid);
    }

    private List<String> candidates(SimulatedNode node) {
        List<String> all = new ArrayList<>(node.containers());
        migrating.forEach((eid, move) -> {
            if (move.destination() == node && !all.contains(eid)) {
                all.add(eid);
            }
        });
        return all;
    }

    private void reserve(List<String> eids, InProgress move) {
        List<String> taken = new ArrayList<>();
        for (String eid : eids) {
            if (migrating.putIfAbsent(eid, move) != null) {
                taken.forEach(migrating::remove);
                throw new AgentFault(AgentFault.CONTAINER_BUSY, "Environment is locked by another operation: " + eid);
            }
            taken.add(eid);
        }
    }

    /** Decodes base64 from the wire; anything undecodable can never match, so it becomes an empty value. */
    static byte[] decode(String base64) {
        try {
            return base64 == null ? new byte[0] : Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
