package io.relocator.worker.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The simulator's admin view over HTTP: place containers, inject faults, read what the simulated Agents saw. Every
 * call carries the simulator's admin token ({@code relocator.simulator.admin-token}).
 */
public final class SimulatorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    /** The simulator of the application under test in this JVM, with the admin token of its configuration. */
    public SimulatorAdmin(int port) {
        this(port, ConfigProvider.getConfig().getValue("relocator.simulator.admin-token", String.class));
    }

    /** The simulator on this port of 127.0.0.1, whose admin token is this one. */
    public SimulatorAdmin(int port, String adminToken) {
        this.base = "http://127.0.0.1:" + port + "/simulator/admin";
        this.authorization = "Bearer " + adminToken;
    }

    public void placeContainer(String node, String containerId) {
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/containers/" + containerId))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    }

    /** Places many containers on one node, a thousand per call (the simulator bounds request bodies). */
    public void placeContainers(String node, java.util.List<String> containerIds) {
        for (int from = 0; from < containerIds.size(); from += 1000) {
            String body = containerIds.subList(from, Math.min(from + 1000, containerIds.size())).stream()
                    .map(id -> "\"" + id + "\"")
                    .collect(java.util.stream.Collectors.joining(",", "{\"containers\":[", "]}"));
            call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/containers"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }
    }

    /** Injects a fault into one simulated node ({@code NONE} clears it). */
    public void fault(String node, String mode, int code) {
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/fault"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"fault\":\"" + mode + "\",\"code\":" + code + "}")));
    }

    /** Sets one node's migration latency; a negative value goes back to the global latency. */
    public void latency(String node, long millis) {
        String body = millis < 0 ? "{}" : "{\"millis\":" + millis + "}";
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/latency"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** How long the node's Agent shows nothing of a migration it accepted; a negative value goes back to the default. */
    public void acceptToVisible(String node, long millis) {
        String body = millis < 0 ? "{}" : "{\"acceptToVisibleMillis\":" + millis + "}";
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/timing"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Whether the node's Agent answers system/cancel of a running migration "too late" (it completes anyway). */
    public void cancelTooLate(String node, boolean tooLate) {
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/cancel"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"tooLate\":" + tooLate + "}")));
    }

    public void expireSessions(String node) {
        call(HttpRequest.newBuilder(URI.create(base + "/nodes/" + node + "/expire-sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public void reset() {
        call(HttpRequest.newBuilder(URI.create(base + "/reset")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code {"nodes": {"hn-01": {"peakIn": 2, "containers": [...], ...}}, ...}} */
    public JsonNode stats() {
        try {
            return JSON.readTree(call(HttpRequest.newBuilder(URI.create(base + "/stats")).GET()));
        } catch (IOException e) {
            throw new AssertionError("the simulator's stats are not JSON", e);
        }
    }

    private String call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError("simulator admin answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("simulator admin unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
