package io.relocator.worker.agent;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.cxf.BusFactory;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.quarkiverse.cxf.CXFClientData;
import io.quarkiverse.cxf.CXFClientInfo;
import io.quarkiverse.cxf.CxfConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relocator.worker.agent.soap.envm.GetInfoResponse;
import io.relocator.worker.agent.soap.port.AgentPortType;
import io.relocator.worker.agent.soap.relocator.MigrateV2VResponse;
import io.relocator.worker.agent.soap.sessionm.LoginResponse;
import io.relocator.worker.agent.soap.system.CancelResponse;
import io.relocator.worker.agent.soap.types.EnvType;
import io.relocator.worker.config.NodeInventory;
import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.AgentPort;
import io.relocator.worker.domain.CancelOutcome;
import io.relocator.worker.domain.ContainerPresence;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationError;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * The worker's {@link AgentPort} over SOAP: {@code relocator/migrate_v2v} on the source node's Agent (and
 * {@code envm/get_info}, {@code system/cancel} to reconcile a lost answer), with a session
 * of that node (logged in once, shared, renewed once when the Agent says it is no longer valid). Every outcome is an
 * {@link AgentOutcome}; the returned Uni never fails and ends only when CXF's callback has fired. Each call sends the
 * trace context current when it was asked for ({@code traceparent}, {@link TraceHeaders}): the caller's step.
 */
@ApplicationScoped
public class SoapAgent implements AgentPort {

    private static final Logger LOG = Logger.getLogger(SoapAgent.class);

    private final Map<String, RelocatorConfig.Node> nodes;
    private final List<Integer> sessionInvalidCodes;
    private final AgentClients clients;
    private final AgentRequests requests;
    private final Map<String, NodeSession> sessions;
    /** Every failure's text comes from an Agent or the transport: an Agent may repeat the password it was sent. */
    private final SecretScrubber scrubber;
    private final AgentCallTimers timers;

    @Inject
    SoapAgent(RelocatorConfig config, NodeInventory inventory, Vertx vertx, CxfConfig cxf, MeterRegistry registry) {
        this(config.agent(), inventory.nodes(), registry, AgentClients.build(new AgentClientBuilder(vertx,
                BusFactory.getDefaultBus(), config.agent(), config.concurrency().perSourceNode(),
                key -> clientInfo(cxf, vertx, key), cxf.client().workerDispatchTimeout(),
                PayloadLogging.from(cxf.logging()), SecretScrubber.knownPasswords(config.agent(), inventory.nodes())),
                inventory.nodes()));
    }

    /** For tests and for wiring without CDI: clients built by {@link AgentClients#build}. */
    public SoapAgent(RelocatorConfig.Agent settings, Map<String, RelocatorConfig.Node> nodes, MeterRegistry registry,
            AgentClients clients) {
        this.timers = new AgentCallTimers(registry);
        this.nodes = Map.copyOf(nodes);
        this.sessionInvalidCodes = List.copyOf(settings.sessionInvalidCodes());
        this.clients = clients;
        this.requests = new AgentRequests(settings.headerTarget());
        this.sessions = clients.all().keySet().stream().collect(Collectors.toUnmodifiableMap(
                node -> node, node -> new NodeSession(() -> login(node))));
        this.scrubber = SecretScrubber.knownPasswords(settings, nodes);
    }

    /** Builds the clients with the application (this bean's constructor) and logs in to every node in the background. */
    void onStart(@Observes StartupEvent event) {
        // Off the main thread: building 500 logins' SOAP messages there would delay the start by seconds.
        Infrastructure.getDefaultWorkerPool().execute(this::warmUp);
    }

    void onStop(@Observes ShutdownEvent event) {
        clients.close();
    }

    /** Logs in to every node now, so that the first migration does not pay for the client's first call. */
    public void warmUp() {
        sessions.forEach((node, session) -> session.sessionId().subscribe().with(
                id -> LOG.debugf("Logged in to the Agent of %s", node),
                failure -> LOG.warnf("Could not log in to the Agent of %s yet: %s", node,
                        classify(failure, node).message())));
    }

    @Override
    public Uni<AgentOutcome> migrate(MigrationCall call) {
        RelocatorConfig.Node target = nodes.get(call.targetNode());
        if (clients.client(call.sourceNode()) == null || target == null) {
            return Uni.createFrom().item(AgentOutcome.failed(new MigrationError(ErrorCode.UNKNOWN_NODE,
                    "node not in the inventory", false, null, clients.client(call.sourceNode()) == null
                            ? call.sourceNode()
                            : call.targetNode())));
        }
        AgentPortType port = clients.client(call.sourceNode()).port();
        Context trace = Context.current();
        return withSession(call.sourceNode(), true, session -> timed(call.sourceNode(), AgentCallTimers.MIGRATE_V2V,
                AgentCalls.<MigrateV2VResponse> call(
                        trace, handler -> port.migrateV2VAsync(requests.migrateV2V(call, target),
                        requests.migrationHeader(session, call.packetId()), handler))))
                .map(ignored -> AgentOutcome.completed())
                .onFailure().recoverWithItem(failure -> AgentOutcome.failed(
                        classify(failure, call.sourceNode())));
    }

    /** Asks {@code node}'s Agent whether the Container is there ({@code envm/get_info}); never a failed Uni. */
    @Override
    public Uni<ContainerPresence> locate(String node, String containerId) {
        if (clients.client(node) == null) {
            return Uni.createFrom().item(ContainerPresence.unknown(node, containerId,
                    new MigrationError(ErrorCode.UNKNOWN_NODE, "node not in the inventory", false, null, node)));
        }
        AgentPortType port = clients.client(node).port();
        Context trace = Context.current();
        return withSession(node, true, session -> timed(node, AgentCallTimers.GET_INFO, AgentCalls.<GetInfoResponse> call(
                trace, handler ->
                        port.getInfoAsync(requests.getInfo(containerId), requests.getInfoHeader(session), handler))))
                .map(response -> presence(node, containerId, response))
                .onFailure().recoverWithItem(failure -> ContainerPresence.unknown(node, containerId,
                        classify(failure, node)));
    }

    /**
     * {@code system/cancel} of the call sent with {@code packetId}; never a failed Uni. An Agent error is REFUSED (the
     * Agent answered); anything else (no connection, a lost or unusable answer) is UNANSWERED. Runs on the caller's
     * thread until the call is out; the Uni completes on the thread that ends the call.
     */
    @Override
    public Uni<CancelOutcome> cancel(String node, String packetId) {
        if (clients.client(node) == null) {
            return Uni.createFrom().item(CancelOutcome.unanswered(
                    new MigrationError(ErrorCode.UNKNOWN_NODE, "node not in the inventory", false, null, node)));
        }
        AgentPortType port = clients.client(node).port();
        Context trace = Context.current();
        return withSession(node, true, session -> timed(node, AgentCallTimers.CANCEL, AgentCalls.<CancelResponse> call(
                trace, handler ->
                        port.cancelAsync(requests.cancel(packetId), requests.cancelHeader(session), handler))))
                .map(ignored -> CancelOutcome.cancelled())
                .onFailure().recoverWithItem(failure -> {
                    MigrationError error = classify(failure, node);
                    return error.code() == ErrorCode.AGENT_ERROR ? CancelOutcome.refused(error)
                            : CancelOutcome.unanswered(error);
                });
    }

    /** Runs {@code call} with the node's session; when the Agent says the session is not valid, logs in and resends once. */
    private <T> Uni<T> withSession(String node, boolean mayRenew, Function<String, Uni<T>> call) {
        NodeSession session = sessions.get(node);
        return session.sessionId().chain(id -> call.apply(id)
                .onFailure(failure -> mayRenew && isSessionInvalid(failure)).recoverWithUni(failure -> {
                    LOG.infof("Session on %s is no longer valid; logging in again", node);
                    session.invalidate(id);
                    return withSession(node, false, call);
                }));
    }

    private Uni<String> login(String node) {
        AgentPortType port = clients.client(node).port();
        return timers.timed(node, AgentCallTimers.LOGIN, failure -> OutcomeClassifier.classifyLogin(
                OutcomeClassifier.unwrap(failure), node), AgentCalls.<LoginResponse> call(
                        handler -> port.loginAsync(requests.login(nodes.get(node)), handler)))
                .map(LoginResponse::getSessionId);
    }

    /** {@code call} to {@code node}'s Agent, timed by operation and outcome (see {@link AgentCallTimers}). */
    private <T> Uni<T> timed(String node, String operation, Uni<T> call) {
        return timers.timed(node, operation, failure -> OutcomeClassifier.classify(failure, node), call);
    }

    /** The one way a failure becomes a MigrationError here: classified, then scrubbed of every known password. */
    private MigrationError classify(Throwable failure, String node) {
        return scrubber.scrub(OutcomeClassifier.classify(failure, node));
    }

    private boolean isSessionInvalid(Throwable failure) {
        Integer code = OutcomeClassifier.agentCode(failure);
        return code != null && sessionInvalidCodes.contains(code);
    }

    private static ContainerPresence presence(String node, String containerId, GetInfoResponse response) {
        for (EnvType env : response.getEnv()) {
            if (containerId.equalsIgnoreCase(env.getEid())) {
                // status/transition is what tells an operation in progress; state codes are not published
                return env.getStatus() == null ? ContainerPresence.present(node, containerId, null, null)
                        : ContainerPresence.present(node, containerId, env.getStatus().getState(),
                                env.getStatus().getTransition());
            }
        }
        return ContainerPresence.absent(node, containerId);
    }

    static CXFClientInfo clientInfo(CxfConfig cxf, Vertx vertx, String key) {
        CXFClientData data = new CXFClientData(null, AgentPortType.class.getName(), "AgentService",
                AgentClientBuilder.WSDL_NAMESPACE, false);
        return new CXFClientInfo(data, cxf, cxf.internal().client(), key, vertx);
    }
}
