package io.relocator.worker.testing;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The admin API's two embedded users for the application under test, with passwords made up for each run (none is
 * committed): {@code admin} (relocator-admin) and {@code viewer} (relocator-viewer). {@link AdminClient} reads them back
 * from the config.
 */
public class AdminUsersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.security.users.embedded.users.admin", UUID.randomUUID() + "-Adm",
                "quarkus.security.users.embedded.users.viewer", UUID.randomUUID() + "-View");
    }

    @Override
    public void stop() {
        // nothing to release
    }
}
