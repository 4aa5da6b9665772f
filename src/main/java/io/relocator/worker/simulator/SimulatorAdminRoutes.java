package io.relocator.worker.simulator;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The simulator's admin view under {@code /simulator/admin}: read-only statistics for assertions, and a few calls that
 * set a test up (place containers, inject faults, set latency and timing, offer system/cancel or not, answer it too
 * late on a node ({@code PUT nodes/<node>/cancel {"tooLate": true}}), expire sessions,
 * reset counters). JSON through Vert.x
 * {@link JsonObject}. Runs on the event loop; all state is in the thread-safe {@link SimulatedAgents}.
 * Mounted only with {@code relocator.simulator.admin-token} set, and every request must carry it
 * ({@link AdminTokenCheck}): a setup call is refused before its body is read. What a call would create past the
 * {@link SimulatorLimits} is refused with 409 and nothing is created.
 */
final class SimulatorAdminRoutes {

    static final String BASE = "/simulator/admin";

    private final SimulatedAgents agents;
    private final AdminTokenCheck tokenCheck;

    SimulatorAdminRoutes(SimulatedAgents agents, AdminTokenCheck tokenCheck) {
        this.agents = agents;
        this.tokenCheck = tokenCheck;
    }

    /** Adds the admin routes behind the token check; {@code body} must read request bodies (the PUT calls carry JSON). */
    void mount(Router router, Handler<RoutingContext> body) {
        router.route(BASE + "/*").handler(tokenCheck);
        router.get(BASE + "/stats").handler(ctx -> json(ctx, stats()));
        router.put(BASE + "/nodes/:node/containers/:eid").handler(ctx -> done(ctx,
                () -> agents.placeContainer(ctx.pathParam("node"), ctx.pathParam("eid"))));
        router.post(BASE + "/nodes/:node/containers").handler(body).handler(ctx -> done(ctx,
                () -> agents.placeContainers(ctx.pathParam("node"), containersFrom(jsonBody(ctx)))));
        router.delete(BASE + "/nodes/:node/containers/:eid").handler(ctx -> done(ctx,
                () -> agents.node(ctx.pathParam("node")).containers().remove(ctx.pathParam("eid"))));
        router.put(BASE + "/nodes/:node/fault").handler(body).handler(ctx -> done(ctx,
                () -> agents.injectFault(ctx.pathParam("node"), faultFrom(jsonBody(ctx)))));
        router.put(BASE + "/nodes/:node/latency").handler(body).handler(ctx -> done(ctx,
                () -> agents.setLatency(ctx.pathParam("node"), latencyFrom(jsonBody(ctx)))));
        router.put(BASE + "/nodes/:node/timing").handler(body).handler(ctx -> done(ctx,
                () -> agents.setTiming(ctx.pathParam("node"), timingFrom(jsonBody(ctx)))));
        router.put(BASE + "/nodes/:node/cancel").handler(body).handler(ctx -> done(ctx,
                () -> agents.setCancelTooLate(ctx.pathParam("node"), jsonBody(ctx).getBoolean("tooLate", false))));
        router.post(BASE + "/nodes/:node/expire-sessions").handler(ctx -> done(ctx,
                () -> agents.expireSessions(ctx.pathParam("node"))));
        router.put(BASE + "/cancel").handler(body).handler(ctx -> done(ctx,
                () -> agents.setOffersCancel(jsonBody(ctx).getBoolean("offered", true))));
        router.post(BASE + "/reset").handler(ctx -> done(ctx, agents::resetCounters));
    }

    /**
     * Per node counters and containers, per container migrate calls, totals, and migrations in flight on all nodes
     * together now and at their peak ({@code fleet}); keys sorted for stable output.
     */
    JsonObject stats() {
        JsonObject nodes = new JsonObject();
        JsonObject totals = new JsonObject().put("migrateCalls", 0L).put("loginCalls", 0L).put("getInfoCalls", 0L);
        agents.nodes().stream().sorted(Comparator.comparing(SimulatedNode::id)).forEach(node -> {
            JsonObject n = nodeStats(node);
            nodes.put(node.id(), n);
            totals.fieldNames().forEach(k -> totals.put(k, totals.getLong(k) + n.getLong(k)));
        });
        Map<String, Object> perContainer = new TreeMap<>();
        agents.migrateCallsByContainer().forEach((eid, calls) -> perContainer.put(eid, calls.get()));
        JsonObject fleet = new JsonObject().put("inFlight", agents.inFlight()).put("peak", agents.peakInFlight());
        return new JsonObject().put("nodes", nodes).put("totals", totals).put("fleet", fleet)
                .put("offersCancel", agents.offersCancel())
                .put("containerMigrateCalls", new JsonObject(perContainer));
    }

    private JsonObject nodeStats(SimulatedNode node) {
        JsonObject n = new JsonObject().put("containers", new TreeSet<>(node.containers()).stream().toList());
        counters(node).forEach((name, value) -> n.put(name, value.get()));
        return n.put("inFlightIn", node.inFlightIn.get()).put("inFlightOut", node.inFlightOut.get())
                .put("peakIn", node.peakIn.get()).put("peakOut", node.peakOut.get())
                .put("fault", node.fault().mode().name()).put("faultCode", node.fault().code())
                .put("latencyMs", agents.latencyOf(node).toMillis())
                .put("acceptToVisibleMs", agents.timingOf(node).acceptToVisible().toMillis())
                .put("showTransition", agents.timingOf(node).showTransition())
                .put("cancelTooLate", node.cancelTooLate());
    }

    private static Map<String, AtomicLong> counters(SimulatedNode node) {
        Map<String, AtomicLong> counters = new LinkedHashMap<>();
        counters.put("migrateCalls", node.migrateCalls);
        counters.put("loginCalls", node.loginCalls);
        counters.put("getInfoCalls", node.getInfoCalls);
        counters.put("sessionRejects", node.sessionRejects);
        counters.put("completed", node.completed);
        counters.put("failed", node.failed);
        counters.put("cancelCalls", node.cancelCalls);
        counters.put("cancelled", node.cancelled);
        counters.put("stalled", node.stalled);
        return counters;
    }

    /** {@code {"containers": ["<guid>", ...]}}, every entry read before any is placed. */
    private static List<String> containersFrom(JsonObject body) {
        JsonArray containers = body.getJsonArray("containers");
        if (containers == null) {
            throw new IllegalArgumentException("a \"containers\" array is required");
        }
        return containers.stream().map(eid -> (String) eid).toList();
    }

    private static FaultInjection faultFrom(JsonObject body) {
        FaultMode mode = FaultMode.valueOf(body.getString("fault", FaultMode.NONE.name()));
        return new FaultInjection(mode, body.getInteger("code", FaultInjection.DEFAULT_CODE));
    }

    /** {@code {"millis": 300}} sets the node's latency; {@code {}} or a null goes back to the simulator-wide one. */
    private static Optional<Duration> latencyFrom(JsonObject body) {
        return Optional.ofNullable(body.getLong("millis")).map(Duration::ofMillis);
    }

    /**
     * {@code {"acceptToVisibleMillis": 2000, "showTransition": true}} sets the node's timing (a missing field keeps
     * the default: 0 ms, true); {@code {}} goes back to the simulator-wide timing.
     */
    private static Optional<AgentTiming> timingFrom(JsonObject body) {
        if (body.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AgentTiming(Duration.ofMillis(body.getLong("acceptToVisibleMillis", 0L)),
                body.getBoolean("showTransition", true)));
    }

    private static JsonObject jsonBody(RoutingContext ctx) {
        JsonObject json = ctx.body().asJsonObject();
        if (json == null) {
            throw new IllegalArgumentException("a JSON object body is required");
        }
        return json;
    }

    /**
     * Runs a setup action and answers 204, 400 when the request's JSON or values are not usable, or 409 when it would
     * pass a limit (and created nothing).
     */
    private static void done(RoutingContext ctx, Runnable action) {
        try {
            action.run();
            ctx.response().setStatusCode(204).end();
        } catch (SimulatorLimitReached full) {
            ctx.response().setStatusCode(409);
            json(ctx, new JsonObject().put("error", full.getMessage()));
        } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
            ctx.response().setStatusCode(400);
            json(ctx, new JsonObject().put("error", "bad request: " + e.getMessage()));
        }
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
}
