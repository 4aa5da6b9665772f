package io.relocator.worker.testing;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link KafkaBrokerResource} with an {@link Admin} client on it, for plain JUnit tests of broker-facing logic:
 * {@code @RegisterExtension static final BrokerWithAdmin KAFKA = new BrokerWithAdmin();} starts the broker before the
 * class's tests and stops it (admin first) after them.
 */
public final class BrokerWithAdmin implements BeforeAllCallback, AfterAllCallback {

    private final KafkaBrokerResource broker = new KafkaBrokerResource();
    private Admin admin;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker.start();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (admin != null) {
            admin.close();
        }
        broker.stop();
    }

    public Admin admin() {
        return admin;
    }

    public String bootstrap() {
        return broker.bootstrap();
    }
}
