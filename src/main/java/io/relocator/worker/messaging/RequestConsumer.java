package io.relocator.worker.messaging;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.relocator.worker.domain.MigrationEvent;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.MigrationScheduler;
import io.relocator.worker.domain.ParsedRecord;
import io.relocator.worker.domain.RequestParser;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Reads the requests topic (channel {@value Channels#REQUESTS}) and gives each record its end: the dead-letter topic,
 * a FAILED event, or the scheduler. The returned Uni completes as soon as the record is handed on, so the connector
 * keeps reading while migrations run; the record itself is acknowledged (and later committed) only once its terminal
 * event or dead-letter copy is acknowledged by the broker. A parsed request is never nacked.
 */
@ApplicationScoped
public class RequestConsumer {

    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    private final RequestParser parser;
    private final MigrationScheduler scheduler;
    private final MigrationRunner runner;
    private final EventPublisher events;
    private final DeadLetterPublisher deadLetters;
    private final Clock clock;

    public RequestConsumer(RequestParser parser, MigrationScheduler scheduler, MigrationRunner runner,
            EventPublisher events, DeadLetterPublisher deadLetters, Clock clock) {
        this.parser = parser;
        this.scheduler = scheduler;
        this.runner = runner;
        this.events = events;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Incoming(Channels.REQUESTS)
    @SuppressWarnings("unchecked")
    public Uni<Void> consume(Message<byte[]> record) {
        var origin = (IncomingKafkaRecordMetadata<byte[], byte[]>) record
                .getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        Instant receivedAt = clock.instant();
        ParsedRecord parsed = parser.parse(record.getPayload(), receivedAt);
        if (parsed instanceof ParsedRecord.Accepted accepted) {
            MigrationRequest request = accepted.request();
            return scheduler.submit(request, () -> finish(record, runner.run(request), request.requestId()));
        }
        if (parsed instanceof ParsedRecord.Rejected rejected) {
            LOG.infof("Request %s rejected: %s %s", rejected.echo().requestId(), rejected.error().code(),
                    rejected.error().message());
            MigrationEvent event = MigrationEvent.rejected(rejected.echo(), receivedAt, clock.instant(),
                    rejected.error());
            finish(record, events.publish(event, origin.getKey()), rejected.echo().requestId())
                    .subscribe().with(ok -> { }, failure -> { });
            return Uni.createFrom().voidItem();
        }
        String reason = ((ParsedRecord.NotARequest) parsed).reason();
        LOG.warnf("Record %s-%d@%d is not a MigrationRequest (%s): sent to the dead-letter topic", origin.getTopic(),
                origin.getPartition(), origin.getOffset(), reason);
        finish(record, deadLetters.send(origin, record.getPayload(), reason), "(dead letter)")
                .subscribe().with(ok -> { }, failure -> { });
        return Uni.createFrom().voidItem();
    }

    /**
     * Acknowledges the record once its outcome is published. If the outcome cannot be published (the producer gave
     * up after its own retries), the process stops without acknowledging, so the record is delivered again.
     */
    private Uni<Void> finish(Message<byte[]> record, Uni<Void> outcomePublished, String requestId) {
        return outcomePublished
                .chain(() -> Uni.createFrom().completionStage(record.ack()))
                .onFailure().invoke(failure -> {
                    LOG.errorf(failure, "The outcome of request %s could not be published: stopping so that it is "
                            + "delivered again", requestId);
                    Quarkus.asyncExit(1);
                });
    }
}
