package io.relocator.worker.domain;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smallrye.mutiny.Uni;

/**
 * An {@link EventSink} for tests of the runner: it keeps every event published, and the packet id each STARTED
 * event's in-flight mark was given, in order; every write succeeds at once. Safe from any thread.
 */
public final class RecordingSink implements EventSink {

    public final List<MigrationEvent> published = new CopyOnWriteArrayList<>();
    public final List<String> markedPackets = new CopyOnWriteArrayList<>();

    @Override
    public Uni<Void> started(MigrationEvent started, Instant firstStart, String packetId) {
        published.add(started);
        markedPackets.add(packetId);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> running(MigrationEvent running) {
        published.add(running);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> ended(MigrationEvent terminal) {
        published.add(terminal);
        return Uni.createFrom().voidItem();
    }

    /** The last event published. */
    public MigrationEvent last() {
        return published.get(published.size() - 1);
    }
}
