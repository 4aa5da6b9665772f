import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP client for the side channels on 127.0.0.1: the simulator's admin API and the worker's /q/metrics. The
 * direct run's SOAP load has a client of its own (HTTP/1.1, as the worker's Agent clients).
 */
final class LocalHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalHttp() {
    }

    /** The body of a GET, with these headers (name, value, name, value...). */
    static String get(String url, String... headers) throws Exception {
        return CLIENT.send(request(url, Duration.ofSeconds(30), headers), HttpResponse.BodyHandlers.ofString()).body();
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the URL answers 200 to a GET with these headers: the JVM behind it has started. */
    static void awaitOk(String url, int seconds, String... headers) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (CLIENT.send(request(url, Duration.ofSeconds(5), headers),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " did not answer in " + seconds + " s");
    }

    private static HttpRequest request(String url, Duration timeout, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        return (headers.length == 0 ? request : request.headers(headers)).build();
    }
}
