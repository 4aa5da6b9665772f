package io.relocator.worker.testing;

/**
 * A real broker like {@link KafkaBrokerResource}'s whose only client listener is {@code SASL_SSL://127.0.0.1:PORT}
 * (mechanism PLAIN; the controller's listener is plaintext on loopback, and no client can use it): certificate made
 * with keytool in the broker's directory under {@code target/}, SASL and store passwords made up per run. As a Quarkus
 * test resource it sets {@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code kafka.sasl.*} and
 * {@code kafka.ssl.truststore.*}; test clients take {@link #clientSettings()}.
 */
public class SaslSslKafkaBrokerResource extends KafkaBrokerResource {

    public SaslSslKafkaBrokerResource() {
        super(true);
    }
}
