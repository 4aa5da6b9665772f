package io.relocator.worker.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft) for tests, started on 127.0.0.1 by {@code deploy/local/kafka/kafka-broker.sh}
 * from Maven Central jars: no Docker, no Dev Services, no Testcontainers.
 *
 * <p>Use it with {@code @QuarkusTestResource(KafkaBrokerResource.class)} (it sets {@code kafka.bootstrap.servers}), or
 * from a plain JUnit test by calling {@link #start()} and {@link #stop()} yourself. Each instance gets its own broker in
 * {@code target/kafka-test-<random>} (log in {@code broker.log} there), on a free port. Topics are not auto-created:
 * create them explicitly (AdminClient or {@code KafkaCompanion.topics()}).
 *
 * <p>If the system property or environment variable {@value #EXTERNAL_BROKER} holds a bootstrap address, that broker is
 * used and nothing is started or stopped (handy to run tests repeatedly against one broker started by hand:
 * {@code deploy/local/kafka/kafka-broker.sh start target/kafka-dev}).
 *
 * <p>{@link SaslSslKafkaBrokerResource} starts one whose only client listener is SASL_SSL (PLAIN, one user, a
 * certificate made with keytool for the run, passwords made up for the run), and hands the application the matching
 * {@code kafka.*} security settings; it never adopts an external broker and does not change {@link #bootstrapServers()}.
 *
 * <p>The broker is bound to this JVM: the script is given this JVM's pid, and a watcher stops the broker if the JVM
 * dies without calling {@link #stop()} (crash, {@code kill -9}, surefire timeout); a shutdown hook covers normal exits.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** System property or environment variable naming an already running broker to use instead of starting one. */
    public static final String EXTERNAL_BROKER = "RELOCATOR_TEST_KAFKA";

    /** JVM-wide record of the last started broker's address (Quarkus may load this class in more than one loader). */
    static final String ACTIVE_BOOTSTRAP_PROPERTY = "relocator-test.kafka.active-bootstrap";

    static final String SCRIPT = "deploy/local/kafka/kafka-broker.sh";
    /** The first port this JVM's brokers may take (1,000 from there); unset, the script's own range. */
    static final String FIRST_PORT_PROPERTY = "relocator-test.kafka.first-port";
    static final String SASL_USER = "worker";

    private static final long START_TIMEOUT_SECONDS = 180;
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private static volatile String activeBootstrap;

    /** Made up per instance when secured, else null; never logged. */
    private final String saslPassword;
    private final String storePassword;
    private String bootstrap;
    private Path brokerDir;
    private Path script;
    private Thread shutdownHook;

    public KafkaBrokerResource() {
        this(false);
    }

    /** {@code saslSsl}: a broker that takes SASL_SSL clients only (see {@link SaslSslKafkaBrokerResource}). */
    protected KafkaBrokerResource(boolean saslSsl) {
        this.saslPassword = saslSsl ? UUID.randomUUID() + "-sasl" : null;
        this.storePassword = saslSsl ? UUID.randomUUID() + "-store" : null;
    }

    /**
     * The bootstrap address of the broker started (or adopted) most recently in this JVM.
     *
     * @throws IllegalStateException if no broker is running
     */
    public static String bootstrapServers() {
        String value = activeBootstrap;
        if (value == null) {
            value = System.getProperty(ACTIVE_BOOTSTRAP_PROPERTY);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("No Kafka broker started: use KafkaBrokerResource (as a Quarkus test "
                    + "resource or start() it yourself), or set " + EXTERNAL_BROKER);
        }
        return value;
    }

    @Override
    public synchronized Map<String, String> start() {
        if (bootstrap != null) {
            return applicationConfig();
        }
        String external = saslPassword == null ? externalBroker() : null;
        if (external != null) {
            bootstrap = external;
            publish(external);
            return Map.of("kafka.bootstrap.servers", external);
        }

        Path projectDir = projectDir();
        script = projectDir.resolve(SCRIPT);
        brokerDir = projectDir.resolve("target").resolve("kafka-test-" + UUID.randomUUID().toString().substring(0, 8));
        long t0 = System.nanoTime();
        String out = run(List.of("bash", script.toString(), "start", brokerDir.toString()), START_TIMEOUT_SECONDS,
                "start");
        String line = out.strip();
        if (!line.matches("127\\.0\\.0\\.1:\\d+")) {
            stopQuietly();
            throw new IllegalStateException("kafka-broker.sh start printed no bootstrap address but: '" + line
                    + "' (broker dir " + brokerDir + ")");
        }
        bootstrap = line;
        shutdownHook = new Thread(this::stopQuietly, "kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (saslPassword == null) {
            publish(bootstrap);
        }
        System.err.printf("[KafkaBrokerResource] broker %s ready in %d ms (dir %s)%n", bootstrap,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), brokerDir);
        return applicationConfig();
    }

    /** The {@code kafka.*} settings a client of this broker needs: the address, and the security settings if any. */
    public synchronized Map<String, Object> clientSettings() {
        Map<String, Object> settings = new java.util.HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        if (saslPassword != null) {
            settings.put("security.protocol", "SASL_SSL");
            settings.put("sasl.mechanism", "PLAIN");
            settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"" + SASL_USER + "\" password=\"" + saslPassword + "\";");
            settings.put("ssl.truststore.location", brokerDir.resolve("truststore.p12").toString());
            settings.put("ssl.truststore.type", "PKCS12");
            settings.put("ssl.truststore.password", storePassword);
        }
        return settings;
    }

    private Map<String, String> applicationConfig() {
        Map<String, String> config = new java.util.HashMap<>();
        clientSettings().forEach((key, value) -> config.put("kafka." + key, value.toString()));
        return config;
    }

    @Override
    public synchronized void stop() {
        if (bootstrap == null) {
            return;
        }
        try {
            if (brokerDir != null) {
                run(List.of("bash", script.toString(), "stop", brokerDir.toString()), STOP_TIMEOUT_SECONDS, "stop");
            }
        } finally {
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: nothing to remove
                }
                shutdownHook = null;
            }
            // An external broker keeps running: its address stays valid. Ours is gone: forget it.
            if (brokerDir != null && bootstrap.equals(activeBootstrap)) {
                activeBootstrap = null;
            }
            if (brokerDir != null && bootstrap.equals(System.getProperty(ACTIVE_BOOTSTRAP_PROPERTY))) {
                System.clearProperty(ACTIVE_BOOTSTRAP_PROPERTY);
            }
            bootstrap = null;
        }
    }

    /**
     * Stops this instance's broker and starts it again on the same directory and port (topics, offsets and
     * transactions survive), calling {@code whileDown} in between: a broker restart as clients see it.
     */
    public synchronized void restart(Runnable whileDown) {
        if (brokerDir == null) {
            throw new IllegalStateException("only a broker started by this resource can be restarted");
        }
        run(List.of("bash", script.toString(), "stop", brokerDir.toString()), STOP_TIMEOUT_SECONDS, "stop");
        whileDown.run();
        String again = run(List.of("bash", script.toString(), "start", brokerDir.toString()), START_TIMEOUT_SECONDS,
                "start").strip();
        if (!again.equals(bootstrap)) {
            throw new IllegalStateException("the broker came back on " + again + ", not on " + bootstrap);
        }
    }

    /** Address of this instance's broker, or null when it is not running. */
    public synchronized String bootstrap() {
        return bootstrap;
    }

    /** Directory of this instance's broker (server.properties, data/, broker.log), or null if none was started. */
    public synchronized Path brokerDir() {
        return brokerDir;
    }

    private void stopQuietly() {
        if (brokerDir == null || script == null) {
            return;
        }
        try {
            run(List.of("bash", script.toString(), "stop", brokerDir.toString()), STOP_TIMEOUT_SECONDS, "stop");
        } catch (RuntimeException e) {
            System.err.println("[KafkaBrokerResource] " + e.getMessage());
        }
    }

    private static void publish(String address) {
        activeBootstrap = address;
        System.setProperty(ACTIVE_BOOTSTRAP_PROPERTY, address);
    }

    private static String externalBroker() {
        String value = System.getProperty(EXTERNAL_BROKER);
        if (value == null || value.isBlank()) {
            value = System.getenv(EXTERNAL_BROKER);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The project directory: Maven's working directory, or the nearest parent holding the script (IDE runs). */
    static Path projectDir() {
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find " + SCRIPT + " in " + start + " or its parents");
    }

    /** Runs the script (bounded); returns its stdout, or throws with its exit status and stderr. */
    private String run(List<String> command, long timeoutSeconds, String what) {
        Path outFile = null;
        Path errFile = null;
        try {
            outFile = Files.createTempFile("kafka-broker-" + what, ".stdout");
            errFile = Files.createTempFile("kafka-broker-" + what, ".stderr");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(outFile.toFile())
                    .redirectError(errFile.toFile());
            // A watcher in the script stops the broker when this JVM is gone, however it ends.
            pb.environment().put("KAFKA_BROKER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
            String firstPort = System.getProperty(FIRST_PORT_PROPERTY);
            if (firstPort != null) { // one range of 1,000 ports per test JVM (failsafe's forks)
                pb.environment().put("KAFKA_BROKER_FIRST_PORT", firstPort);
                pb.environment().put("KAFKA_BROKER_LAST_PORT", Integer.toString(Integer.parseInt(firstPort) + 999));
            }
            if (saslPassword != null) {
                pb.environment().put("KAFKA_BROKER_SECURITY", "sasl_ssl");
                pb.environment().put("KAFKA_BROKER_SASL_USER", SASL_USER);
                pb.environment().put("KAFKA_BROKER_SASL_PASSWORD", saslPassword);
                pb.environment().put("KAFKA_BROKER_SSL_PASSWORD", storePassword);
            }
            Process process = pb.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("kafka-broker.sh " + what + " did not finish within " + timeoutSeconds
                        + " s; its stderr:\n" + read(errFile));
            }
            int status = process.exitValue();
            if (status != 0) {
                throw new IllegalStateException("kafka-broker.sh " + what + " failed (exit " + status + ") for "
                        + command.get(command.size() - 1) + "; its stderr:\n" + read(errFile));
            }
            return read(outFile);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running kafka-broker.sh " + what, e);
        } finally {
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file: nothing else to do
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }
}
