package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.SSLHandshakeException;
import javax.xml.namespace.QName;

import jakarta.xml.soap.SOAPFactory;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;

import org.apache.cxf.interceptor.Fault;
import org.junit.jupiter.api.Test;

import io.quarkiverse.cxf.vertx.http.client.VertxHttpClientHTTPConduit.TimeoutIOException;
import io.relocator.worker.agent.soap.port.AgentFault;
import io.relocator.worker.agent.soap.protocol.AgentErrorDetail;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;
import io.vertx.core.http.HttpClosedException;

/**
 * Failures shaped as a CXF async callback delivers them: {@code Response.get()} throws an ExecutionException around a
 * WebServiceException (transport) or the declared fault / SOAPFaultException; the transport cause sits under a CXF
 * {@link Fault}.
 */
class OutcomeClassifierTest {

    private static final String NODE = "hn-01";

    @Test
    void agentErrorKeepsCodeAndMessage() {
        MigrationError error = classify(new ExecutionException(agentFault(4001, "not enough disk")));
        assertEquals(ErrorCode.AGENT_ERROR, error.code());
        assertEquals(4001, error.agentCode());
        assertEquals("not enough disk", error.message());
        assertEquals(NODE, error.node());
        assertFalse(error.retryable());
    }

    @Test
    void faultWithoutDetailUsesFaultString() throws Exception {
        var fault = SOAPFactory.newInstance().createFault("operator busy", new QName(
                "http://schemas.xmlsoap.org/soap/envelope/", "Server"));
        MigrationError error = classify(new ExecutionException(new SOAPFaultException(fault)));
        assertEquals(ErrorCode.AGENT_ERROR, error.code());
        assertEquals("operator busy", error.message());
        assertNull(error.agentCode());
    }

    @Test
    void refusedConnectionUnknownHostAndTlsHandshakeAreUnreachable() {
        for (Throwable cause : new Throwable[] { new ConnectException("Connection refused: /127.0.0.1:9"),
                new UnknownHostException("hn-02.sim.invalid"), new SSLHandshakeException("PKIX path building failed"),
                new TimeoutIOException("Timeout 10000 ms sending request headers to http://127.0.0.1:9") }) {
            MigrationError error = classify(transport(cause));
            assertEquals(ErrorCode.UNREACHABLE, error.code(), cause.toString());
            assertTrue(error.retryable());
        }
    }

    @Test
    void receiveTimeoutAndDroppedConnectionAreInDoubt() {
        for (Throwable cause : new Throwable[] {
                new TimeoutIOException("Timeout waiting 700 ms to receive response headers from http://127.0.0.1:1"),
                new HttpClosedException("Connection was closed"), new IOException("Connection reset by peer") }) {
            MigrationError error = classify(transport(cause));
            assertEquals(ErrorCode.IN_DOUBT, error.code(), cause.toString());
            assertFalse(error.retryable());
        }
    }

    @Test
    void refusedLoginIsAuthFailedAndLoginWithoutAnswerIsUnreachable() {
        MigrationError refused = classify(new LoginFailed(new ExecutionException(agentFault(403, "bad credentials"))));
        assertEquals(ErrorCode.AUTH_FAILED, refused.code());
        assertEquals(403, refused.agentCode());
        MigrationError noAnswer = classify(new LoginFailed(transport(new HttpClosedException("Connection was closed"))));
        assertEquals(ErrorCode.UNREACHABLE, noAnswer.code());
        assertTrue(noAnswer.retryable());
    }

    @Test
    void anythingElseIsInternal() {
        assertEquals(ErrorCode.INTERNAL, classify(new IllegalStateException("bug")).code());
    }

    @Test
    void sessionInvalidCodeIsRead() {
        assertEquals(112, OutcomeClassifier.agentCode(new ExecutionException(agentFault(112, "session expired"))));
        assertNull(OutcomeClassifier.agentCode(transport(new ConnectException())));
    }

    private static MigrationError classify(Throwable failure) {
        return OutcomeClassifier.classify(OutcomeClassifier.unwrap(failure), NODE);
    }

    private static ExecutionException transport(Throwable cause) {
        return new ExecutionException(new WebServiceException("Could not send Message.", new Fault(cause)));
    }

    private static AgentFault agentFault(int code, String message) {
        AgentErrorDetail detail = new AgentErrorDetail();
        detail.setCode(code);
        detail.setMessage(message);
        return new AgentFault("agent error", detail);
    }
}
