package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.SSLHandshakeException;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamException;

import jakarta.xml.soap.SOAPFactory;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.transport.http.HTTPException;
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

    /** Even wrapped in a SOAP fault (CXF may do so), an answer dropped at the size cap is never the Agent's refusal. */
    @Test
    void anAnswerPastTheSizeCapIsInDoubtAndALoginSoAnsweredIsUnreachable() throws Exception {
        var fault = SOAPFactory.newInstance().createFault("parse failed", new QName(
                "http://schemas.xmlsoap.org/soap/envelope/", "Server"));
        SOAPFaultException wrapped = new SOAPFaultException(fault);
        wrapped.initCause(new Fault(new XMLStreamException(new AnswerSizeLimit.AnswerTooLarge(1024))));

        MigrationError migrate = classify(new ExecutionException(wrapped));
        assertEquals(ErrorCode.IN_DOUBT, migrate.code());
        assertFalse(migrate.retryable());
        assertTrue(migrate.message().contains("larger than 1024"), migrate.message());
        assertEquals(ErrorCode.UNREACHABLE, classify(new LoginFailed(new ExecutionException(wrapped))).code());
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
    void http503WithNoBodyIsNotSentAndRetryable() throws Exception {
        MigrationError error = classify(transport(http(503)));
        assertEquals(ErrorCode.UNREACHABLE, error.code());
        assertTrue(error.retryable());
    }

    @Test
    void http502And504AfterTheRequestWasWrittenAreInDoubtNotRetried() throws Exception {
        for (int status : new int[] { 502, 504, 404 }) {
            MigrationError error = classify(transport(http(status)));
            assertEquals(ErrorCode.IN_DOUBT, error.code(), "HTTP " + status);
            assertFalse(error.retryable(), "HTTP " + status);
            assertTrue(error.message().contains(String.valueOf(status)), error.message());
        }
    }

    @Test
    void anAnswerThatCannotBeParsedIsInDoubtNotInternal() {
        for (Throwable failure : new Throwable[] {
                new ExecutionException(new WebServiceException("Unmarshalling Error",
                        new Fault(new XMLStreamException("Unexpected EOF in prolog")))),
                new ExecutionException(new WebServiceException(new Fault(new IllegalArgumentException(
                        "Response was of unexpected text/html ContentType.")))),
                new IllegalStateException("a failure this class does not know") }) {
            MigrationError error = classify(failure);
            assertEquals(ErrorCode.IN_DOUBT, error.code(), failure.toString());
            assertFalse(error.retryable(), failure.toString());
        }
    }

    @Test
    void aCallThatFoundNoWorkerThreadWasNotSentAndIsRetryable() {
        MigrationError error = classify(new ExecutionException(new RejectedExecutionException(
                "Unable to dispatch SOAP client call within 30000 ms on a worker thread")));
        assertEquals(ErrorCode.INTERNAL, error.code());
        assertTrue(error.retryable());
    }

    @Test
    void sessionInvalidCodeIsRead() {
        assertEquals(112, OutcomeClassifier.agentCode(new ExecutionException(agentFault(112, "session expired"))));
        assertNull(OutcomeClassifier.agentCode(transport(new ConnectException())));
    }

    private static MigrationError classify(Throwable failure) {
        return OutcomeClassifier.classify(OutcomeClassifier.unwrap(failure), NODE);
    }

    private static HTTPException http(int status) throws Exception {
        return new HTTPException(status, "status " + status, new URL("http://127.0.0.1:9/"));
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
