package io.relocator.worker.simulator;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Puts the Agent simulator on the Quarkus HTTP server when {@code relocator.simulator.enabled=true}: the SOAP
 * endpoint of every simulated node at {@code POST /simulator/agents/{node}} and the admin view under
 * {@code /simulator/admin} (only with {@code relocator.simulator.admin-token} set). Tests call {@link #mount} on a bare Vert.x router, so they exercise the same wiring.
 */
@ApplicationScoped
public class SimulatorRoutes {

    /** The path of node {@code {node}}'s simulated Agent, as the worker's {@code agent-url} names it. */
    public static final String AGENT_PATH = "/simulator/agents/:" + AgentSoapHandler.NODE_PARAM;
    /** Bodies are a few kilobytes; a larger one is refused before it is buffered. */
    static final long MAX_BODY_BYTES = 256 * 1024;
    private static final Logger LOG = Logger.getLogger(SimulatorRoutes.class);

    void init(@Observes Router router, SimulatorConfig config) {
        if (!config.enabled()) {
            return;
        }
        Credentials credentials = new Credentials(config.username(), config.password());
        if (!credentials.passwordConfigured()) {
            LOG.warn("Agent simulator: relocator.simulator.password is not set, every login and migration is refused");
        }
        SimulatedAgents agents = new SimulatedAgents(credentials, config.latency());
        agents.setLimits(new SimulatorLimits(config.maxNodes(), config.maxContainers()));
        agents.setDefaultTiming(new AgentTiming(config.acceptToVisible(), config.showTransition()));
        agents.setOffersCancel(config.offersCancel());
        configureNodes(agents, config);
        if (config.adminToken().isEmpty()) {
            LOG.info("Agent simulator: relocator.simulator.admin-token is not set, so the admin routes under "
                    + SimulatorAdminRoutes.BASE + " are not mounted");
        }
        mount(router, agents, config.sessionInvalidCode(), config.adminToken());
        LOG.infof("Agent simulator enabled at %s for nodes %s", AGENT_PATH, config.nodes().keySet());
    }

    /**
     * Adds the simulator's routes to a router: shared by the Quarkus bean and the plain Vert.x tests. The admin routes
     * only with an admin token, which each of their requests must then carry.
     */
    public static void mount(Router router, SimulatedAgents agents, int sessionInvalidCode,
            Optional<String> adminToken) {
        // No file uploads: a body handler that accepts them writes temporary files.
        Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.post(AGENT_PATH).handler(body).handler(new AgentSoapHandler(agents, sessionInvalidCode));
        adminToken.ifPresent(token -> new SimulatorAdminRoutes(agents, new AdminTokenCheck(token)).mount(router, body));
    }

    private static void configureNodes(SimulatedAgents agents, SimulatorConfig config) {
        config.nodes().forEach((id, node) -> {
            agents.node(id);
            node.containers().orElse(List.of()).forEach(eid -> agents.placeContainer(id, eid));
            agents.setLatency(id, node.latency());
            agents.injectFault(id, new FaultInjection(node.fault(), node.faultCode()));
        });
    }
}
