package io.relocator.worker.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic admin client gets the application's {@code kafka.*} security settings, as the other clients do; before,
 * it got the bootstrap servers alone and could not reach a SASL or TLS cluster. Not a @QuarkusTest: the map is what
 * Quarkus hands over as {@code default-kafka-broker}; passwords are made up for the run.
 */
class TopicCreatorSettingsTest {

    @TempDir
    Path dir;

    @Test
    void securitySettingsReachTheAdminConfigAndConsumerOnlyOnesDoNot() {
        Map<String, Object> security = secured(dir.resolve("truststore.p12").toString());
        Map<String, Object> kafka = new HashMap<>(security);
        kafka.put("group.id", "relocator-worker");
        kafka.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");

        assertEquals(security, TopicCreator.adminSettings(kafka));
    }

    @Test
    void theAdminClientIsBuiltWithThemAndSoReadsTheTrustStore() {
        // A trust store that does not exist: an admin client that ignored ssl.* would be built without complaint.
        Map<String, Object> kafka = secured(dir.resolve("missing.p12").toString());
        kafka.put("security.protocol", "SSL");
        KafkaException refused = assertThrows(KafkaException.class, () -> Admin.create(TopicCreator.adminSettings(kafka)).close());
        String causes = causes(refused);
        assertTrue(causes.contains("missing.p12") || causes.toLowerCase().contains("truststore"), causes);
    }

    private static Map<String, Object> secured(String trustStore) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", "127.0.0.1:1");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.mechanism", "SCRAM-SHA-512");
        kafka.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"worker\""
                + " password=\"" + UUID.randomUUID() + "\";");
        kafka.put("ssl.truststore.location", trustStore);
        kafka.put("ssl.truststore.type", "PKCS12");
        kafka.put("ssl.truststore.password", UUID.randomUUID().toString());
        kafka.put("ssl.endpoint.identification.algorithm", "https");
        return kafka;
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
        }
        return text.toString();
    }
}
