package io.relocator.worker.agent;

import org.jboss.logging.Logger;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.config.Secret;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PfxOptions;

/** TLS of the Agent clients: the configured trust store, or the JVM's trust; no verification only when asked for. */
final class AgentTls {

    private static final Logger LOG = Logger.getLogger(AgentTls.class);

    private final RelocatorConfig.Agent settings;

    AgentTls(RelocatorConfig.Agent settings) {
        this.settings = settings;
    }

    /** Says loudly, once at start-up, that certificates are not checked. */
    void warnIfTrustAll() {
        if (settings.trustAll()) {
            LOG.warn("relocator.agent.trust-all=true: TLS certificates and host names of the Agents are NOT verified."
                    + " Anyone on the network path can read and alter migrations and the node credentials they carry."
                    + " Use relocator.agent.trust-store instead.");
        }
    }

    void applyTo(HttpClientOptions options) {
        options.setSsl(true);
        if (settings.trustAll()) {
            options.setTrustAll(true).setVerifyHost(false);
            return;
        }
        options.setVerifyHost(true);
        settings.trustStore().ifPresent(path -> {
            String password = settings.trustStorePassword().map(Secret::reveal).orElse(null);
            if ("JKS".equalsIgnoreCase(settings.trustStoreType())) {
                options.setTrustOptions(new JksOptions().setPath(path).setPassword(password));
            } else {
                options.setTrustOptions(new PfxOptions().setPath(path).setPassword(password));
            }
        });
    }
}
