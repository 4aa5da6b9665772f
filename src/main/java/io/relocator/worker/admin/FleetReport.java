package io.relocator.worker.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.CircuitBreakers;
import io.relocator.worker.domain.ConcurrencyBounds;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.NodeControl;
import io.relocator.worker.domain.PriorityOrder;
import io.relocator.worker.domain.RequestMark;
import io.relocator.worker.messaging.FleetView;
import io.relocator.worker.messaging.LedgerEntry;
import io.relocator.worker.messaging.OutcomeStore;

/**
 * The fleet as the admin API and page show it, read from this worker's {@link FleetView} (the scheduler's state
 * topic, so any worker answers with the fleet's numbers) with the configured bounds and, where only this worker knows
 * them, its circuits and outcome marks. Waiting requests are placed as the scheduler orders them within a target:
 * by class, aged ({@link PriorityOrder}), then oldest first. Every method runs on the calling HTTP worker thread.
 */
@ApplicationScoped
public class FleetReport {

    private final FleetView fleet;
    private final ConcurrencyBounds bounds;
    private final NodeInventory inventory;
    private final CircuitBreakers breakers;
    private final OutcomeStore marks;
    private final PriorityOrder order;
    private final Clock clock;

    public FleetReport(FleetView fleet, ConcurrencyBounds bounds, NodeInventory inventory, CircuitBreakers breakers,
            OutcomeStore marks, RelocatorConfig config, Clock clock) {
        this.fleet = fleet;
        this.bounds = bounds;
        this.inventory = inventory;
        this.breakers = breakers;
        this.marks = marks;
        this.order = new PriorityOrder(config.scheduler().priorityAging(), clock);
        this.clock = clock;
    }

    /** Whether {@code node} is in the inventory: only those may be controlled. On the caller's thread. */
    public boolean known(String node) {
        return inventory.ids().contains(node);
    }

    /** Every node of the inventory (and any other a request named), by id. On the caller's thread. */
    public List<AdminViews.Node> nodes() {
        TreeSet<String> ids = new TreeSet<>(inventory.ids());
        ids.addAll(fleet.nodes());
        return ids.stream().map(this::node).toList();
    }

    /** One node. On the caller's thread. */
    public AdminViews.Node node(String id) {
        FleetView.NodeCounts counts = fleet.node(id);
        NodeControl control = fleet.control(id);
        int in = bounds.incoming(id);
        int out = bounds.outgoing(id);
        return new AdminViews.Node(id, control.effectiveIncoming(in), control.effectiveOutgoing(out), in, out,
                control.maxIncoming().isPresent() || control.maxOutgoing().isPresent(), counts.incoming(),
                counts.outgoing(), counts.waiting(), control.pausedIn(), control.pausedOut(),
                control.drained(counts.incoming(), counts.outgoing()),
                known(id) ? breakers.state(id).name() : "UNKNOWN");
    }

    /** What waits and runs now, and what ended lately. On the caller's thread. */
    public AdminViews.Migrations migrations() {
        List<LedgerEntry> entries = fleet.entries();
        List<AdminViews.Waiting> waiting = waiting(entries);
        List<AdminViews.Running> running = entries.stream().filter(LedgerEntry::actionable).map(this::running)
                .sorted(Comparator.comparing(AdminViews.Running::since)).toList();
        List<AdminViews.Ended> ended = fleet.recentlyEnded().stream().map(FleetReport::ended).toList();
        return new AdminViews.Migrations(waiting, running, ended);
    }

    /** One request; empty when the fleet has no entry of it and it did not end lately. On the caller's thread. */
    public Optional<AdminViews.Request> request(String requestId) {
        Optional<LedgerEntry> entry = fleet.entry(requestId);
        if (entry.isPresent()) {
            LedgerEntry found = entry.get();
            AdminViews.Mark mark = mark(found).orElse(null);
            if (found.state() == LedgerEntry.State.WAITING) {
                AdminViews.Waiting place = waiting(fleet.entries()).stream()
                        .filter(w -> w.requestId().equals(requestId)).findFirst().orElse(null);
                return Optional.of(new AdminViews.Request(requestId, "WAITING", place, null, null, mark));
            }
            return Optional.of(new AdminViews.Request(requestId, found.state().name(), null, running(found), null,
                    mark));
        }
        return fleet.recentlyEnded().stream().filter(e -> e.last().requestId().equals(requestId)).findFirst()
                .map(e -> new AdminViews.Request(requestId, "ENDED", null, null, ended(e), mark(e.last())
                        .orElse(null)));
    }

    /** The containerId of a request the fleet knows (waiting, running, or ended lately). On the caller's thread. */
    public Optional<String> containerOf(String requestId) {
        return fleet.entry(requestId).map(e -> e.request().containerId())
                .or(() -> fleet.recentlyEnded().stream().filter(e -> e.last().requestId().equals(requestId))
                        .findFirst().map(e -> e.last().request().containerId()));
    }

    private List<AdminViews.Waiting> waiting(List<LedgerEntry> entries) {
        Instant now = clock.instant();
        Map<String, Integer> places = new HashMap<>();
        List<AdminViews.Waiting> waiting = new ArrayList<>();
        entries.stream().filter(e -> e.state() == LedgerEntry.State.WAITING).map(LedgerEntry::request)
                .sorted(Comparator.comparing(MigrationRequest::targetNode)
                        .thenComparingInt((MigrationRequest r) -> order.rank(r.priority(), r.receivedAt()))
                        .thenComparing((MigrationRequest r) -> r.receivedAt()))
                .forEach(r -> waiting.add(new AdminViews.Waiting(r.requestId(), r.containerId(), r.sourceNode(),
                        r.targetNode(), r.priority().contractName(), places.merge(r.targetNode(), 1, Integer::sum),
                        r.receivedAt(), Duration.between(r.receivedAt(), now).toSeconds())));
        return waiting;
    }

    private AdminViews.Running running(LedgerEntry entry) {
        MigrationRequest r = entry.request();
        Instant since = fleet.since(entry.requestId()).orElse(r.receivedAt());
        Integer attempt = marks.lookup(entry.partition(), entry.requestId()).map(RequestMark::attempt).orElse(null);
        return new AdminViews.Running(r.requestId(), r.containerId(), r.sourceNode(), r.targetNode(),
                entry.state().name(), entry.epoch(), since, Duration.between(since, clock.instant()).toSeconds(),
                attempt);
    }

    private Optional<AdminViews.Mark> mark(LedgerEntry entry) {
        return marks.lookup(entry.partition(), entry.requestId()).map(m -> new AdminViews.Mark(m.stage().name(),
                m.attempt(), m.receivedAt(), m.firstStart(), m.at()));
    }

    private static AdminViews.Ended ended(FleetView.Ended ended) {
        MigrationRequest r = ended.last().request();
        return new AdminViews.Ended(r.requestId(), r.containerId(), r.sourceNode(), r.targetNode(), ended.at());
    }
}
