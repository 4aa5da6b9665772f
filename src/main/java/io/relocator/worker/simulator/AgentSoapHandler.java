package io.relocator.worker.simulator;

import static io.relocator.worker.simulator.AgentNamespaces.ENVM;
import static io.relocator.worker.simulator.AgentNamespaces.PROTOCOL;
import static io.relocator.worker.simulator.AgentNamespaces.RELOCATOR;
import static io.relocator.worker.simulator.AgentNamespaces.SESSIONM;
import static io.relocator.worker.simulator.AgentNamespaces.SOAP_PROTOCOL;
import static io.relocator.worker.simulator.AgentNamespaces.SYSTEM;
import static io.relocator.worker.simulator.AgentNamespaces.TYPES;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.xml.namespace.QName;

import org.jboss.logging.Logger;
import org.w3c.dom.Element;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers {@code POST /simulator/agents/{node}} as that node's Agent would: {@code sessionm/login},
 * {@code sessionm/logout}, {@code envm/get_info}, {@code relocator/migrate_v2v} and {@code system/cancel} (unless
 * switched off: {@link SimulatedAgents#setOffersCancel}), plus the node's injected fault.
 * <p>
 * Runs on the event loop and never blocks it: a migration's latency is a Vert.x timer, so thousands of slow calls
 * hold no thread. State lives in {@link SimulatedAgents}, which is thread-safe. Bodies are never logged: they carry
 * base64 passwords.
 */
public final class AgentSoapHandler implements Handler<RoutingContext> {

    /** Path parameter naming the simulated node. */
    static final String NODE_PARAM = "node";
    private static final Logger LOG = Logger.getLogger(AgentSoapHandler.class);

    /** {@code login} extends types' {@code auth_nameType}: its own children follow in the sessionm namespace. */
    private static final List<QName> LOGIN_SEQUENCE = List.of(new QName(TYPES, "name"), new QName(TYPES, "domain"),
            new QName(TYPES, "realm"), new QName(SESSIONM, "password"), new QName(SESSIONM, "expiration"));

    /** The simulated user's security id in the login token: any base64 value will do, no client looks inside. */
    private static final String USER_SID = Base64.getEncoder().encodeToString("simulator-user".getBytes(UTF_8));

    private final SimulatedAgents agents;
    private final int sessionInvalidCode;
    private final SoapEnvelopeReader reader = new SoapEnvelopeReader();

    public AgentSoapHandler(SimulatedAgents agents, int sessionInvalidCode) {
        this.agents = agents;
        this.sessionInvalidCode = sessionInvalidCode;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String nodeId = ctx.pathParam(NODE_PARAM);
        if (!SimulatedAgents.isNodeId(nodeId)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        SimulatedNode node;
        try {
            node = agents.node(nodeId);
        } catch (SimulatorLimitReached full) {
            // No Agent answers at a node the simulator may not create.
            ctx.response().setStatusCode(404).end();
            return;
        }
        if (node.fault().mode() == FaultMode.HTTP_503) {
            ctx.response().setStatusCode(503).end();
            return;
        }
        try {
            Buffer body = ctx.body().buffer();
            dispatch(ctx, node, reader.read(body == null ? new byte[0] : body.getBytes()));
        } catch (AgentFault fault) {
            LOG.debugf("node %s: fault %d %s", nodeId, fault.code(), fault.getMessage());
            answer(ctx, 500, SoapReplies.fault(fault.code() == AgentFault.BAD_REQUEST, fault.code(), fault.getMessage()));
        }
    }

    private void dispatch(RoutingContext ctx, SimulatedNode node, SoapRequest request) {
        if (request.is(SESSIONM, "login")) {
            login(ctx, node, request.body());
            return;
        }
        boolean system = request.is(SYSTEM, "cancel") && agents.offersCancel();
        boolean known = request.is(RELOCATOR, "migrate_v2v") || request.is(ENVM, "get_info")
                || request.is(SESSIONM, "logout") || system;
        if (!known) {
            throw new AgentFault(AgentFault.UNKNOWN_OPERATION, "Unknown operation {"
                    + request.body().getNamespaceURI() + "}" + request.body().getLocalName());
        }
        String session = requireSession(node, request, system);
        if (request.is(RELOCATOR, "migrate_v2v")) {
            migrate(ctx, node, MigrateV2vCall.parse(request.body()), request.packetId());
        } else if (system) {
            cancel(ctx, node, request.body());
        } else if (request.is(ENVM, "get_info")) {
            getInfo(ctx, node, request.body());
        } else {
            node.sessions().remove(session);
            answer(ctx, 200, SoapReplies.logoutResponse());
        }
    }

    private void login(RoutingContext ctx, SimulatedNode node, Element login) {
        SoapRequest.requireSequence(login, LOGIN_SEQUENCE);
        byte[] user = SimulatedAgents.decode(SoapRequest.text(login, TYPES, "name").orElse(null));
        byte[] password = SimulatedAgents.decode(SoapRequest.text(login, SESSIONM, "password").orElse(null));
        String session = agents.login(node, user, password);
        LOG.debugf("node %s: login accepted", node.id());
        answer(ctx, 200, SoapReplies.loginResponse(session, USER_SID));
    }

    /**
     * Checks {@code packet_header}: a {@code version} attribute, then {@code target} before {@code session} (the
     * type is a sequence); a system request has no {@code target} ("no targets should be specified in these"). Its
     * children are accepted in the protocol or the soap_protocol namespace, because clients differ in where they put
     * the header and the schemas do not settle its children's namespace.
     */
    private String requireSession(SimulatedNode node, SoapRequest request, boolean system) {
        Element header = request.packetHeader().orElse(null);
        String session = header == null ? null : headerText(header, "session");
        if (session == null || !agents.sessionValid(node, session)) {
            node.sessionRejects.incrementAndGet();
            throw new AgentFault(sessionInvalidCode, "Session is not valid or has expired");
        }
        if (header.getAttribute("version").isEmpty()) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "packet_header has no version attribute");
        }
        List<String> order = SoapRequest.children(header).stream().map(Element::getLocalName).toList();
        if (system && order.contains("target")) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "packet_header of a system request has no target");
        }
        if (!system && (!order.contains("target") || order.lastIndexOf("target") > order.indexOf("session"))) {
            throw new AgentFault(AgentFault.BAD_REQUEST, "packet_header needs target before session");
        }
        return session;
    }

    private static String headerText(Element header, String name) {
        return SoapRequest.text(header, PROTOCOL, name).or(() -> SoapRequest.text(header, SOAP_PROTOCOL, name))
                .orElse(null);
    }

    private void getInfo(RoutingContext ctx, SimulatedNode node, Element body) {
        node.getInfoCalls.incrementAndGet();
        List<String> asked = SoapRequest.children(body, ENVM, "eid").stream().map(e -> e.getTextContent().strip())
                .toList();
        answer(ctx, 200, SoapReplies.getInfoResponse(agents.envsOn(node, asked)));
    }

    /** {@code system/cancel}: {@code message_id}, then the optional {@code target} and {@code global}, in system. */
    private void cancel(RoutingContext ctx, SimulatedNode node, Element body) {
        SoapRequest.requireSequence(body, SYSTEM, "message_id", "target", "global");
        agents.cancel(node, SoapRequest.requiredText(body, SYSTEM, "message_id"));
        LOG.debugf("node %s: migration cancelled", node.id());
        answer(ctx, 200, SoapReplies.cancelResponse());
    }

    private void migrate(RoutingContext ctx, SimulatedNode source, MigrateV2vCall call, Optional<String> packetId) {
        agents.countMigrateCall(source, call.eids());
        FaultInjection fault = source.fault();
        SimulatedAgents.Migration migration;
        if (fault.mode() == FaultMode.ECHO_CREDENTIALS) {
            echoCredentials(ctx, source, call, fault.code());
            return;
        }
        try {
            if (fault.mode() == FaultMode.AGENT_ERROR) {
                throw new AgentFault(fault.code(), "Injected Agent error on " + source.id());
            }
            if (fault.mode() == FaultMode.DROP_BEFORE_MIGRATE) {
                LOG.debugf("node %s: dropping migrate_v2v of %s unanswered", source.id(), call.eids());
                ctx.request().connection().close();
                source.failed.incrementAndGet();
                return;
            }
            migration = agents.beginMigration(source, call, packetId, fault.mode() == FaultMode.STALL);
        } catch (AgentFault refused) {
            source.failed.incrementAndGet();
            throw refused;
        }
        if (fault.mode() == FaultMode.STALL) {
            holdUntilCancelled(ctx, source, migration);
            return;
        }
        LOG.debugf("node %s: migrating %s to %s", source.id(), call.eids(), migration.destination().id());
        Context context = ctx.vertx().getOrCreateContext();
        migration.onCancel(() -> context.runOnContext(ignored ->
                answer(ctx, 500, SoapReplies.fault(false, AgentFault.CANCELLED, "Cancelled by system/cancel"))));
        loseAnswerAfterAccepting(ctx, source, fault.mode());
        after(ctx, agents.latencyOf(source), () -> {
            if (!agents.finishMigration(migration)) {
                answer(ctx, 500, SoapReplies.fault(false, AgentFault.CANCELLED, "Cancelled by system/cancel"));
            } else if (fault.mode() == FaultMode.STALL_AFTER_MIGRATE) {
                LOG.debugf("node %s: migrated %s, holding the call unanswered", source.id(), call.eids());
                source.stalled.incrementAndGet();
            } else if (fault.mode() == FaultMode.DROP_AFTER_MIGRATE
                    || fault.mode() == FaultMode.PARTIAL_ANSWER_AFTER_ACCEPT) {
                ctx.request().connection().close();
            } else {
                answer(ctx, 200, SoapReplies.migrateV2vResponse());
            }
        });
    }

    /**
     * {@link FaultMode#STALL}: the call is held with no answer and nothing migrates, until a {@code system/cancel} of
     * its packet id ends it; then it is answered with the cancelled fault, on this request's event loop.
     */
    private void holdUntilCancelled(RoutingContext ctx, SimulatedNode source, SimulatedAgents.Migration migration) {
        LOG.debugf("node %s: holding migrate_v2v of %s unanswered (stalled)", source.id(), migration.eids());
        source.stalled.incrementAndGet();
        Context context = ctx.vertx().getOrCreateContext();
        migration.onCancel(() -> context.runOnContext(ignored -> answer(ctx, 500,
                SoapReplies.fault(false, AgentFault.CANCELLED, "Cancelled by system/cancel"))));
    }

    /**
     * The faults that lose the answer once the migration was accepted: it goes on and completes on its timer, but the
     * caller sees a dropped connection, a proxy's 502 or 504 with no SOAP body, or half an answer and then nothing
     * until the connection closes.
     */
    private static void loseAnswerAfterAccepting(RoutingContext ctx, SimulatedNode source, FaultMode mode) {
        switch (mode) {
            case DROP_AFTER_ACCEPT -> {
                LOG.debugf("node %s: accepted, dropping the connection", source.id());
                ctx.request().connection().close();
            }
            case HTTP_502_AFTER_ACCEPT -> ctx.response().setStatusCode(502).end();
            case HTTP_504_AFTER_ACCEPT -> ctx.response().setStatusCode(504).end();
            case PARTIAL_ANSWER_AFTER_ACCEPT -> {
                String whole = SoapReplies.migrateV2vResponse();
                ctx.response().setChunked(true).putHeader("Content-Type", "text/xml; charset=utf-8")
                        .write(whole.substring(0, whole.length() / 2));
            }
            default -> {
                // answered when the migration ends
            }
        }
    }

    /**
     * {@link FaultMode#ECHO_CREDENTIALS}: the fault text repeats the destination password, decoded and in base64. Answered
     * here rather than thrown, so that the simulator's own debug line does not log it (it shares the worker's log in
     * tests, which look for the password there).
     */
    private static void echoCredentials(RoutingContext ctx, SimulatedNode source, MigrateV2vCall call, int code) {
        source.failed.incrementAndGet();
        String sent = call.dstPassword().strip();
        String clear;
        try {
            clear = new String(Base64.getMimeDecoder().decode(sent), UTF_8);
        } catch (IllegalArgumentException notBase64) {
            clear = sent;
        }
        LOG.debugf("node %s: refusing migrate_v2v of %s, echoing its credentials", source.id(), call.eids());
        String text = "Cannot log in to " + call.dstAddress() + " with password " + clear + " (sent as " + sent + ")";
        answer(ctx, 500, SoapReplies.fault(false, code, text));
    }

    /** Runs the action after the latency on this request's event loop, holding no thread in between. */
    private static void after(RoutingContext ctx, Duration latency, Runnable action) {
        long millis = latency.toMillis();
        if (millis < 1) {
            action.run();
        } else {
            ctx.vertx().setTimer(millis, timerId -> action.run());
        }
    }

    /** Writes the reply unless the client has gone: a migration still completes when its caller hung up. */
    private static void answer(RoutingContext ctx, int status, String xml) {
        if (ctx.response().closed() || ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/xml; charset=UTF-8").end(xml);
    }
}
