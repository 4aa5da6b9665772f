package io.relocator.worker.admin;

import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.relocator.worker.messaging.ControlPublisher;

/**
 * The admin API's migrations: what waits and runs in the fleet and what ended lately, one request's state (reads,
 * {@code relocator-viewer}), and a cancel ({@code relocator-admin}), published as the contract's cancel record on the
 * requests topic with its audit event. Every method runs on a Quarkus worker thread.
 */
@Path("/admin/api/migrations")
@Produces(MediaType.APPLICATION_JSON)
public class MigrationsResource {

    private final FleetReport report;
    private final ControlPublisher publisher;
    private final SecurityIdentity identity;

    public MigrationsResource(FleetReport report, ControlPublisher publisher, SecurityIdentity identity) {
        this.report = report;
        this.publisher = publisher;
        this.identity = identity;
    }

    /** Waiting (with position and age), running (with state, elapsed and attempt), and recently ended. */
    @GET
    @RolesAllowed(AdminRoles.VIEWER)
    public AdminViews.Migrations migrations() {
        return report.migrations();
    }

    @GET
    @Path("{requestId}")
    @RolesAllowed(AdminRoles.VIEWER)
    public Response request(@PathParam("requestId") String requestId) {
        return report.request(requestId).map(r -> Response.ok(r).build())
                .orElseGet(() -> NodesResource.problem(Response.Status.NOT_FOUND,
                        "the fleet has no request '" + requestId + "' waiting, running or ended lately"));
    }

    /**
     * Publishes a cancel of the request, keyed by its containerId: the one given, else the one the fleet knows. The
     * cancel's own terminal event says how it went; the answer's {@code id} is the cancel's requestId.
     */
    @POST
    @Path("{requestId}/cancel")
    @RolesAllowed(AdminRoles.ADMIN)
    public Response cancel(@PathParam("requestId") String requestId, CancelBody body) {
        if (!requestId.matches("[A-Za-z0-9._:-]{1,128}")) {
            return NodesResource.problem(Response.Status.BAD_REQUEST, "a requestId is 1-128 of [A-Za-z0-9._:-]");
        }
        Optional<String> container = Optional.ofNullable(body == null ? null : body.containerId())
                .or(() -> report.containerOf(requestId));
        if (container.isEmpty()) {
            return NodesResource.problem(Response.Status.NOT_FOUND, "the fleet does not know request '" + requestId
                    + "': give its containerId");
        }
        if (!container.get().matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
            return NodesResource.problem(Response.Status.BAD_REQUEST, "containerId is a GUID");
        }
        String actor = identity.getPrincipal().getName();
        ControlPublisher.Published published = publisher.cancel(requestId, container.get(),
                body == null ? null : body.reason(), actor);
        if (published instanceof ControlPublisher.Published.Failed failed) {
            return NodesResource.problem(Response.Status.SERVICE_UNAVAILABLE, failed.why());
        }
        String cancelId = ((ControlPublisher.Published.Done) published).id();
        return Response.accepted(new AdminViews.Accepted("CANCEL", requestId, cancelId, actor)).build();
    }

    /** The body of a cancel, all optional. */
    public record CancelBody(String containerId, String reason) {
    }
}
