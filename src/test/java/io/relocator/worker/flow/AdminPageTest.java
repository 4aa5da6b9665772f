package io.relocator.worker.flow;

import static io.relocator.worker.testing.RequestPublisher.request;
import static io.relocator.worker.testing.SimulatedNodesResource.CONTROLLED;
import static io.relocator.worker.testing.SimulatedNodesResource.PER_TARGET_BOUND;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relocator.worker.testing.AdminClient;
import io.relocator.worker.testing.AdminUsersResource;
import io.relocator.worker.testing.HeadlessChromium;
import io.relocator.worker.testing.KafkaBrokerResource;
import io.relocator.worker.testing.RequestPublisher;
import io.relocator.worker.testing.SimulatedNodesResource;
import io.relocator.worker.testing.SimulatorAdmin;

/**
 * The admin page in a real browser (Debian's headless {@code chromium}, as the viewer): after a batch with two
 * migrations running into one node and three held by a paused node, the page shows the fleet's numbers (those of the
 * API) in its nodes table and lists the running and waiting requests; its screenshot is written to
 * {@code target/admin-page.png} (the README shows it). Skipped, saying so, where chromium is not installed.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatedNodesResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = AdminUsersResource.class, restrictToAnnotatedClass = false)
class AdminPageTest extends FlowTestSupport {

    private static final String SOURCE = CONTROLLED.get(0);
    private static final String PAUSED = CONTROLLED.get(1);
    private static final String BUSY = CONTROLLED.get(2);

    private final List<String> published = new ArrayList<>();

    /** The node resumed and every request of the test ended: nothing of it runs on into the next test. */
    @AfterEach
    void asConfigured() {
        AdminClient admin = AdminClient.as(port, "admin");
        new SimulatorAdmin(port).latency(SOURCE, -1);
        admin.delete("/admin/api/nodes/" + PAUSED + "/pause");
        await().atMost(WAIT).until(() -> !admin.node(PAUSED).path("pausedIn").asBoolean());
        eventsFor(bootstrap, Set.copyOf(published));
    }

    @Test
    void thePageShowsTheFleetsNumbersInABrowser() {
        assumeTrue(HeadlessChromium.available(), "chromium is not installed (apt-get install chromium, as .ci/run "
                + "does): the admin page is not tested in a browser here");
        AdminClient admin = AdminClient.as(port, "admin");
        SimulatorAdmin simulator = new SimulatorAdmin(port);
        assertEquals(202, admin.post("/admin/api/nodes/" + PAUSED + "/pause?direction=IN", "").status());
        await().atMost(WAIT).until(() -> admin.node(PAUSED).path("pausedIn").asBoolean());
        simulator.latency(SOURCE, 8_000);
        String run = "page-" + UUID.randomUUID();
        List<String> running = publish(simulator, run + "-busy", BUSY, PER_TARGET_BOUND + 1);
        List<String> held = publish(simulator, run + "-held", PAUSED, 3);
        await().atMost(WAIT).until(() -> admin.node(BUSY).path("incoming").asInt() == PER_TARGET_BOUND
                && admin.node(PAUSED).path("waiting").asInt() == held.size());

        String viewer = ConfigProvider.getConfig().getValue("quarkus.security.users.embedded.users.viewer",
                String.class);
        String url = "http://viewer:" + viewer + "@127.0.0.1:" + port + "/admin";
        String dom = HeadlessChromium.dumpDom(url);
        HeadlessChromium.screenshot(url, Path.of("target", "admin-page.png"), 1280, 1700);

        assertEquals(String.valueOf(PER_TARGET_BOUND), field(dom, BUSY, "incoming"), dom);
        assertEquals(String.valueOf(PER_TARGET_BOUND), field(dom, BUSY, "maxIncoming"));
        assertEquals("1", field(dom, BUSY, "waiting"), "the third request for the busy node waits");
        assertEquals(String.valueOf(held.size()), field(dom, PAUSED, "waiting"));
        assertEquals("in", field(dom, PAUSED, "paused"));
        assertEquals("yes", field(dom, PAUSED, "drained"));
        assertEquals(String.valueOf(PER_TARGET_BOUND), field(dom, SOURCE, "outgoing"));
        long runningRows = running.stream().filter(id -> dom.contains("id=\"running-" + id + "\"")).count();
        assertEquals(PER_TARGET_BOUND, runningRows, "the running migrations are listed");
        assertTrue(held.stream().allMatch(id -> dom.contains("id=\"waiting-" + id + "\"")), "the held are listed");
        assertEquals(401, AdminClient.anonymous(port).get("/admin").status(), "no page for an anonymous caller");
    }

    /** The text of {@code <span|td data-field="field">} in the row of {@code node} of the nodes table. */
    private static String field(String dom, String node, String field) {
        Matcher row = Pattern.compile("<tr id=\"node-" + Pattern.quote(node) + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL)
                .matcher(dom);
        assertTrue(row.find(), "no row of " + node + " in the page");
        Matcher cell = Pattern.compile("data-field=\"" + field + "\">([^<]*)<").matcher(row.group(1));
        assertTrue(cell.find(), "no " + field + " in the row of " + node + ": " + row.group(1));
        return cell.group(1).trim();
    }

    private List<String> publish(SimulatorAdmin simulator, String run, String target, int count) {
        List<String> ids = new ArrayList<>();
        try (RequestPublisher requests = new RequestPublisher(bootstrap)) {
            for (int i = 0; i < count; i++) {
                String container = UUID.randomUUID().toString();
                simulator.placeContainer(SOURCE, container);
                ids.add(run + "-" + i);
                published.add(ids.get(i));
                requests.sendAsync(container, request(ids.get(i), container, SOURCE, target));
            }
            requests.flush();
        }
        return ids;
    }
}
