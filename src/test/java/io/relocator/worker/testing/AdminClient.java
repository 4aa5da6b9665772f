package io.relocator.worker.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A caller of the admin API on 127.0.0.1 as one user (or anonymous), answering status and body. */
public final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    private AdminClient(int port, String authorization) {
        this.base = "http://127.0.0.1:" + port;
        this.authorization = authorization;
    }

    /** As one of the users of {@link AdminUsersResource}, its password read from this JVM's config. */
    public static AdminClient as(int port, String user) {
        return as(port, user, ConfigProvider.getConfig()
                .getValue("quarkus.security.users.embedded.users." + user, String.class));
    }

    public static AdminClient as(int port, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new AdminClient(port, "Basic " + token);
    }

    public static AdminClient anonymous(int port) {
        return new AdminClient(port, null);
    }

    public Answer get(String path) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Answer post(String path, String json) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer put(String path, String json) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer delete(String path) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** One node of {@code GET /admin/api/nodes}. */
    public JsonNode node(String node) {
        Answer answer = get("/admin/api/nodes/" + node);
        if (answer.status() != 200) {
            throw new AssertionError("GET node " + node + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }

    private Answer call(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("the admin API is unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A status and a body. */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
