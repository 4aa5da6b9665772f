package io.relocator.worker.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) as a child process on 127.0.0.1: its
 * configuration in a properties file, secrets only in its environment, its output in {@code target/it-logs/NAME.log}.
 * Killed with SIGKILL ({@link #kill9}), stopped with SIGTERM ({@link #sigterm}), or frozen with SIGSTOP
 * ({@link #sigstop}) and thawed with SIGCONT ({@link #sigcont}); never left running.
 */
final class AppProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private AppProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static AppProcess start(String name, Map<String, String> properties, Map<String, String> environment) {
        try {
            Path work = Files.createDirectories(Path.of("target", "it-work"));
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            Path config = work.resolve(name + ".properties");
            Files.writeString(config, properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .sorted().collect(Collectors.joining("\n", "", "\n")));
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx384m", "-XX:+UseG1GC", "-Dquarkus.config.locations=" + config.toUri(),
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", JAR.toString()));
            Path log = logs.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            return new AppProcess(name, port, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once if the process dies meanwhile. */
    AppProcess awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (readiness() != 200) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready; see "
                        + log);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + " not ready within " + timeout + "; see " + log);
            }
            pause(Duration.ofMillis(200));
        }
        return this;
    }

    /** The HTTP status of {@code /q/health/ready}, or -1 when nothing answers. */
    int readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The value of the first sample of the metric {@code name} on {@code /q/metrics} (Prometheus text, with or without
     * labels), or empty when the process does not export it or nothing answers.
     */
    OptionalDouble metric(String name) {
        String text;
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/metrics")).timeout(Duration.ofSeconds(3)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return OptionalDouble.empty();
            }
            text = response.body();
        } catch (IOException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String rest = line.substring(line.startsWith(name + "{") ? line.indexOf('}') + 1 : name.length());
                return OptionalDouble.of(Double.parseDouble(rest.strip().split("\\s+")[0]));
            }
        }
        return OptionalDouble.empty();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once the process has exited. */
    int exitCode() {
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no drain, nothing flushed. */
    void kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int sigterm(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    /**
     * SIGSTOP: every thread of the process freezes where it is (a paused VM, a long GC); its sockets stay open and the
     * kernel still queues what arrives on them, but nothing is read, sent, heartbeated or committed until
     * {@link #sigcont}. {@link #close} still kills a frozen process.
     */
    void sigstop() {
        signal("-STOP");
    }

    /** SIGCONT: the frozen process runs on from where it was, unaware of the time that passed. */
    void sigcont() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill " + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run kill " + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Paces polling of an HTTP endpoint; never stands in for waiting on a result. */
    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
