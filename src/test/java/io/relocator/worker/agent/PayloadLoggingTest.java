package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.cxf.ext.logging.event.EventType;
import org.apache.cxf.ext.logging.event.LogEvent;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.relocator.worker.agent.soap.port.AgentPortType;
import io.relocator.worker.config.Secret;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * CXF payload logging, turned on, writes no password: a real CXF client sends a real login to an HTTP server on
 * 127.0.0.1 that answers with a fault repeating the password in clear and in base64, and every logged event is
 * looked at. Not a @QuarkusTest: the feature is plain CXF, and the log events are caught at the sender.
 */
class PayloadLoggingTest {

    private final TestConfig.Node node = TestConfig.node("http://127.0.0.1:1/", "hn-01.sim.invalid");
    private final String password = node.password().reveal();
    private final String base64 = Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8));
    private final SecretScrubber scrubber = SecretScrubber.of(List.of(node.password()));
    private final List<LogEvent> logged = new CopyOnWriteArrayList<>();
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void careless() throws Exception {
        vertx = Vertx.vertx();
        String fault = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault>"
                + "<faultcode>soap:Server</faultcode><faultstring>login refused for password " + password + " ("
                + base64 + ")</faultstring></soap:Fault></soap:Body></soap:Envelope>";
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> request.response()
                .setStatusCode(500).putHeader("Content-Type", "text/xml; charset=UTF-8").end(fault)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoggedLoginAndAnAgentEchoingThePasswordShowItNowhere() {
        PayloadLogging logging = new PayloadLogging(true, true, true, 0, Set.of(), Set.of());
        AgentPortType port = client(logging);

        assertThrows(RuntimeException.class, () -> port.login(new AgentRequests("relocator").login(node)));

        LogEvent request = event(EventType.REQ_OUT);
        LogEvent answer = event(EventType.FAULT_IN);
        assertTrue(request.getPayload().contains("login"), request.getPayload());
        assertTrue(request.getPayload().contains(">XXX</"), "the password element is masked: " + request.getPayload());
        assertTrue(answer.getPayload().contains("login refused for password *** (***)"), answer.getPayload());
        for (LogEvent event : logged) {
            String seen = event.getPayload() + event.getHeaders();
            assertFalse(seen.contains(password) || seen.contains(base64), event.getType() + ": " + seen);
        }
    }

    @Test
    void passwordElementsAreMaskedWhateverTheConfigurationNames() {
        PayloadLogging logging = new PayloadLogging(true, false, false, 0, Set.of("token"), Set.of());
        assertEquals(Set.of("password", "token"), logging.sensitiveElements());
    }

    @Test
    void offMeansNoFeature() {
        assertTrue(PayloadLogging.off().feature(scrubber).isEmpty());
        assertTrue(new PayloadLogging(true, false, false, 0, Set.of(), Set.of()).feature(scrubber).isPresent());
    }

    private AgentPortType client(PayloadLogging logging) {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(AgentPortType.class);
        factory.setAddress("http://127.0.0.1:" + server.actualPort() + "/agent");
        factory.getFeatures().add(logging.feature(scrubber, logged::add));
        return factory.create(AgentPortType.class);
    }

    private LogEvent event(EventType type) {
        return logged.stream().filter(e -> e.getType() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " among " + logged.stream().map(LogEvent::getType).toList()));
    }
}
