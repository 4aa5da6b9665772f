package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.RequestParser;
import io.smallrye.mutiny.Uni;

/**
 * Reads parked requests back (channel {@value Channels#PARKED}). A parked request is offered again as soon as its
 * target node has room in the local queue (the scheduler signals it), and otherwise once it has been parked for
 * {@code park-delay}; if its node is still full then, it is parked again at the end of the topic. Waiting is bounded by the delay, so one saturated
 * node's backlog can hold a parked request of another node back by at most that long, and the backlog cycles through
 * the topic once per delay instead of spinning.
 */
@ApplicationScoped
public class ParkedRequestConsumer {

    private final RequestIntake intake;
    private final MigrationScheduler scheduler;
    private final RequestParser parser;
    private final Clock clock;
    private final Duration parkDelay;

    public ParkedRequestConsumer(RequestIntake intake, MigrationScheduler scheduler, RequestParser parser,
            Clock clock, RelocatorConfig config) {
        this.intake = intake;
        this.scheduler = scheduler;
        this.parser = parser;
        this.clock = clock;
        this.parkDelay = config.scheduler().parkDelay();
    }

    @Incoming(Channels.PARKED)
    public Uni<Void> consume(Message<byte[]> record) {
        Headers headers = RequestIntake.origin(record).getHeaders();
        Instant receivedAt = instant(headers, ParkedRecords.RECEIVED_AT, clock.instant());
        Instant dueAt = instant(headers, ParkedRecords.PARKED_AT, clock.instant()).plus(parkDelay);
        int parkCount = integer(headers, ParkedRecords.PARK_COUNT);
        long waitMillis = Duration.between(clock.instant(), dueAt).toMillis();
        ParsedRecord parsed = parser.parse(record.getPayload(), receivedAt);
        if (waitMillis < 1 || !(parsed instanceof ParsedRecord.Accepted accepted)) { // timers take whole milliseconds
            return intake.take(record, parsed, receivedAt, parkCount);
        }
        Uni<Void> due = Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMillis));
        return Uni.combine().any().of(due, scheduler.roomFor(accepted.request().targetNode()))
                .chain(() -> intake.take(record, parsed, receivedAt, parkCount));
    }

    private static Instant instant(Headers headers, String name, Instant fallback) {
        Header header = headers.lastHeader(name);
        try {
            return header == null ? fallback : Instant.parse(new String(header.value(), StandardCharsets.UTF_8));
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    private static int integer(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        try {
            return header == null ? 0 : Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
