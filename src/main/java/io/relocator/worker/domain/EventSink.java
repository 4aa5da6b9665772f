package io.relocator.worker.domain;

import io.smallrye.mutiny.Uni;

/** Where MigrationEvents go. The Uni completes when the broker has acknowledged the event, and fails if it never does. */
public interface EventSink {

    Uni<Void> publish(MigrationEvent event);
}
