package io.relocator.worker.admin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin page at {@code /admin}: the fleet's nodes (in and out against their bounds, waiting, paused, drained)
 * and the running and waiting migrations, rendered on the server from {@link FleetReport} (no script), refreshing
 * itself every {@value #REFRESH_SECONDS} s. Role {@code relocator-viewer}. Runs on a Quarkus worker thread.
 */
@Path("/admin")
@RolesAllowed(AdminRoles.VIEWER)
public class AdminPage {

    static final int REFRESH_SECONDS = 5;
    /** At most this many rows of waiting requests: the page stays small whatever the backlog (the API has them all). */
    static final int WAITING_ROWS = 200;

    private final FleetReport report;

    public AdminPage(FleetReport report) {
        this.report = report;
    }

    @CheckedTemplate(basePath = "admin")
    static class Templates {
        static native TemplateInstance page(List<AdminViews.Node> nodes, List<AdminViews.Running> running,
                List<AdminViews.Waiting> waiting, int waitingTotal, int refreshSeconds, Instant at);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        AdminViews.Migrations migrations = report.migrations();
        List<AdminViews.Waiting> waiting = migrations.waiting();
        return Templates.page(report.nodes(), migrations.running(),
                waiting.subList(0, Math.min(WAITING_ROWS, waiting.size())), waiting.size(), REFRESH_SECONDS,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }
}
