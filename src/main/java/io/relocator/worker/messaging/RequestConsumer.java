package io.relocator.worker.messaging;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;

/** Reads the requests topic (channel {@value Channels#REQUESTS}); each record's end is decided by {@link RequestIntake}. */
@ApplicationScoped
public class RequestConsumer {

    private final RequestIntake intake;
    private final Clock clock;

    public RequestConsumer(RequestIntake intake, Clock clock) {
        this.intake = intake;
        this.clock = clock;
    }

    @Incoming(Channels.REQUESTS)
    public Uni<Void> consume(Message<byte[]> record) {
        return intake.take(record, clock.instant());
    }
}
