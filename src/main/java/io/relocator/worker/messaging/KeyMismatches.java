package io.relocator.worker.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relocator.worker.domain.MigrationRequest;

/**
 * Accepted requests whose record key is not their containerId. The contract has producers key by it: the key picks
 * the partition, which orders a container's requests and holds the outcome-store partition that remembers each
 * requestId, so requests for one container keyed otherwise may run out of order, and a copy keyed differently escapes
 * deduplication. Such a record is still processed (it is a valid request, and turning it away would lose it), logged
 * at WARN with its requestId and partition, and counted in {@code relocator_requests_key_mismatch_total}. A key that
 * is the containerId in another case matches: containerIds are compared case-insensitively. Called by
 * {@link RequestIntake} for every accepted record.
 */
@ApplicationScoped
public class KeyMismatches {

    private static final Logger LOG = Logger.getLogger(KeyMismatches.class);

    private final Counter mismatches;

    public KeyMismatches(MeterRegistry registry) {
        this.mismatches = Counter.builder("relocator.requests.key.mismatch")
                .description("Accepted requests whose record key was not their containerId").register(registry);
    }

    /** True when {@code key} is {@code containerId} (a GUID, so ASCII) in UTF-8, in any case. */
    static boolean keyedBy(byte[] key, String containerId) {
        return key != null && key.length == containerId.length()
                && new String(key, StandardCharsets.US_ASCII).equalsIgnoreCase(containerId);
    }

    /** Runs on the thread that delivers the record (the connector's); the counter is thread-safe. */
    void check(byte[] key, MigrationRequest request, TopicPartition partition) {
        if (!keyedBy(key, request.containerId())) {
            mismatches.increment();
            LOG.warnf("Request %s read from %s is not keyed by its containerId %s (%s): processed, but its order "
                    + "among that container's requests and its deduplication are not guaranteed", request.requestId(),
                    partition, request.containerId(), key == null ? "no key" : key.length + "-byte key");
        }
    }
}
