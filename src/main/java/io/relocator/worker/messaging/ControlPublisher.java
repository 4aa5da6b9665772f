package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relocator.worker.config.InstanceIdRule;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.NodeCommand;
import io.smallrye.common.annotation.Identifier;

/**
 * Publishes the admin API's mutations, on whichever worker received the call: a node control as a {@code CONTROL}
 * record for the fleet's scheduler, a cancel as a record on the requests topic (the contract's Cancel form), each in
 * one Kafka transaction with its audit event ({@link AuditEvents}), so no mutation is applied without its audit and
 * none is audited without being published. Its own transactional producer ({@code <instance-id>-admin}), opened on
 * the first mutation. Every method runs on the calling HTTP worker thread and blocks until the broker answers; calls
 * are serialised (admin calls are rare).
 */
@ApplicationScoped
public class ControlPublisher {

    private static final Logger LOG = Logger.getLogger(ControlPublisher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Its transactional id is the worker's {@code relocator.instance-id} and this. */
    static final String TRANSACTIONAL_ID_SUFFIX = "-admin";

    private final NodeControlRecords controls;
    private final AuditEvents audits;
    private final ObjectMapper json;
    private final RelocatorConfig config;
    private final Map<String, Object> kafka;
    private final Clock clock;
    private KafkaProducer<byte[], byte[]> producer;

    @Inject
    public ControlPublisher(NodeControlRecords controls, AuditEvents audits, ObjectMapper json, RelocatorConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, Clock clock) {
        this.controls = controls;
        this.audits = audits;
        this.json = json;
        this.config = config;
        this.kafka = kafka;
        this.clock = clock;
    }

    /** What became of a mutation: published (with its audit event), or not, and why. */
    public sealed interface Published {
        record Done(String id) implements Published {
        }

        record Failed(String why) implements Published {
        }
    }

    /** The node command for the scheduler, and its audit event, by {@code actor}; on the caller's thread. */
    public synchronized Published control(NodeCommand command, String actor) {
        Instant now = clock.instant();
        LOG.infof("Admin %s: %s of node %s", actor, command.action(), command.node());
        return publish(controls.command(command, actor, now), audits.nodeControl(command, actor, now),
                command.node());
    }

    /**
     * A cancel of {@code requestId} on the requests topic, keyed by {@code containerId}, and its audit event; the
     * answer's id is the cancel's own requestId. On the caller's thread.
     */
    public synchronized Published cancel(String requestId, String containerId, String reason, String actor) {
        Instant now = clock.instant();
        String cancelId = "admin-cancel-" + UUID.randomUUID();
        LOG.infof("Admin %s: CANCEL of request %s (container %s) as %s", actor, requestId, containerId, cancelId);
        ObjectNode value = json.createObjectNode().put("requestId", cancelId).put("cancels", requestId)
                .put("containerId", containerId).put("requestedBy", actor);
        if (reason != null) {
            value.put("reason", reason);
        }
        ProducerRecord<byte[], byte[]> cancel = new ProducerRecord<>(config.topics().requests(),
                containerId.getBytes(StandardCharsets.UTF_8), bytes(value));
        return publish(cancel, audits.cancel(requestId, containerId, cancelId, actor, now), cancelId);
    }

    private Published publish(ProducerRecord<byte[], byte[]> mutation, ProducerRecord<byte[], byte[]> audit,
            String id) {
        try {
            KafkaProducer<byte[], byte[]> open = producer();
            open.beginTransaction();
            open.send(mutation);
            open.send(audit);
            open.commitTransaction();
            return new Published.Done(id);
        } catch (KafkaException e) {
            LOG.warnf("An admin mutation could not be published: %s", e.toString());
            close(); // a fenced or failed producer is opened anew (aborting what it left) on the next call
            return new Published.Failed("the broker did not take it: " + e.getClass().getSimpleName());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = ClientSettings.of(kafka, ProducerConfig.configNames());
            String id = InstanceIdRule.require(config.instanceId()) + TRANSACTIONAL_ID_SUFFIX;
            settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "relocator-admin-" + id);
            KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(settings, new ByteArraySerializer(),
                    new ByteArraySerializer());
            try {
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
            producer = null;
        }
    }

    private byte[] bytes(ObjectNode value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A cancel record could not be written as JSON", e);
        }
    }
}
