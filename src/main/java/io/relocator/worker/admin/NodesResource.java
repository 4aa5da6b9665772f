package io.relocator.worker.admin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.relocator.worker.domain.Direction;
import io.relocator.worker.domain.NodeCommand;
import io.relocator.worker.messaging.ControlPublisher;

/**
 * The admin API's nodes: their load and controls (reads, {@code relocator-viewer}), and the node controls (pause,
 * resume, bounds override and reset, {@code relocator-admin}), each published for the fleet's scheduler with its
 * audit event. A control is applied fleet-wide within a scheduler step of its publication: the answer is 202.
 * Every method runs on a Quarkus worker thread.
 */
@Path("/admin/api/nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    private final FleetReport report;
    private final ControlPublisher publisher;
    private final SecurityIdentity identity;

    public NodesResource(FleetReport report, ControlPublisher publisher, SecurityIdentity identity) {
        this.report = report;
        this.publisher = publisher;
        this.identity = identity;
    }

    /** Bounds (now and configured), in and out in flight, waiting, paused, drained and circuit of every node. */
    @GET
    @RolesAllowed(AdminRoles.VIEWER)
    public List<AdminViews.Node> nodes() {
        return report.nodes();
    }

    @GET
    @Path("{node}")
    @RolesAllowed(AdminRoles.VIEWER)
    public Response node(@PathParam("node") String node) {
        return report.known(node) ? Response.ok(report.node(node)).build() : unknown(node);
    }

    /** No new migration in {@code direction} (IN, OUT, BOTH) of the node; running ones finish. */
    @POST
    @Path("{node}/pause")
    @RolesAllowed(AdminRoles.ADMIN)
    public Response pause(@PathParam("node") String node,
            @QueryParam("direction") @DefaultValue("BOTH") String direction) {
        return direction(direction).map(d -> control(new NodeCommand.Pause(node, d)))
                .orElseGet(() -> badDirection(direction));
    }

    /** New migrations in {@code direction} of the node may start again. */
    @DELETE
    @Path("{node}/pause")
    @RolesAllowed(AdminRoles.ADMIN)
    public Response resume(@PathParam("node") String node,
            @QueryParam("direction") @DefaultValue("BOTH") String direction) {
        return direction(direction).map(d -> control(new NodeCommand.Resume(node, d)))
                .orElseGet(() -> badDirection(direction));
    }

    /** Bounds replacing the configured ones until reset; a field left out keeps that direction's bound. */
    @PUT
    @Path("{node}/bounds")
    @RolesAllowed(AdminRoles.ADMIN)
    public Response overrideBounds(@PathParam("node") String node, BoundsBody body) {
        if (body == null || body.maxIncoming() == null && body.maxOutgoing() == null) {
            return problem(Response.Status.BAD_REQUEST, "give maxIncoming and/or maxOutgoing");
        }
        if (belowOne(body.maxIncoming()) || belowOne(body.maxOutgoing())) {
            return problem(Response.Status.BAD_REQUEST, "a bound is at least 1 (pause the node to stop it)");
        }
        return control(new NodeCommand.OverrideBounds(node, optional(body.maxIncoming()),
                optional(body.maxOutgoing())));
    }

    /** The configured bounds again. */
    @DELETE
    @Path("{node}/bounds")
    @RolesAllowed(AdminRoles.ADMIN)
    public Response resetBounds(@PathParam("node") String node) {
        return control(new NodeCommand.ResetBounds(node));
    }

    /** The body of a bounds override. */
    public record BoundsBody(Integer maxIncoming, Integer maxOutgoing) {
    }

    private Response control(NodeCommand command) {
        if (!report.known(command.node())) {
            return unknown(command.node());
        }
        String actor = identity.getPrincipal().getName();
        ControlPublisher.Published published = publisher.control(command, actor);
        if (published instanceof ControlPublisher.Published.Failed failed) {
            return problem(Response.Status.SERVICE_UNAVAILABLE, failed.why());
        }
        return Response.accepted(new AdminViews.Accepted(command.action(), command.node(), null, actor)).build();
    }

    private static Optional<Direction> direction(String name) {
        try {
            return Optional.of(Direction.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean belowOne(Integer bound) {
        return bound != null && bound < 1;
    }

    private static OptionalInt optional(Integer bound) {
        return bound == null ? OptionalInt.empty() : OptionalInt.of(bound);
    }

    private static Response badDirection(String direction) {
        return problem(Response.Status.BAD_REQUEST, "direction is IN, OUT or BOTH, not '" + direction + "'");
    }

    private static Response unknown(String node) {
        return problem(Response.Status.NOT_FOUND, "no node '" + node + "' in the inventory");
    }

    static Response problem(Response.Status status, String why) {
        return Response.status(status).entity(new AdminViews.Problem(why)).type(MediaType.APPLICATION_JSON).build();
    }
}
