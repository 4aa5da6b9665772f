package io.relocator.worker.agent;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.apache.cxf.transport.http.HTTPException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLHandshakeException;

import jakarta.xml.ws.soap.SOAPFaultException;

import io.relocator.worker.agent.soap.port.AgentFault;
import io.relocator.worker.agent.soap.protocol.AgentErrorDetail;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;

/**
 * Names what went wrong in one Agent call. Messages come from the Agent or from the transport, never from the
 * request (so never a password or its base64 form).
 */
public final class OutcomeClassifier {

    private static final int MESSAGE_LIMIT = 500;

    private OutcomeClassifier() {
    }

    /**
     * A failed migrate_v2v (or get_info) sent to {@code node}'s Agent. Only a failure known to come before the request
     * was sent (no connection, TLS refused, no pooled connection, HTTP 503 with no body read) is UNREACHABLE and
     * retryable; an answer from the Agent is its error; everything else may have reached the Agent, so it is
     * IN_DOUBT and reconciled, never resent blindly (receive timeout, reset, HTTP 502/504 from a proxy that had
     * forwarded the request, an answer that cannot be parsed, and any failure this class does not know).
     */
    public static MigrationError classify(Throwable failure, String node) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LoginFailed) {
            return classifyLogin(unwrap(cause.getCause()), node);
        }
        AnswerSizeLimit.AnswerTooLarge tooLarge = find(cause, AnswerSizeLimit.AnswerTooLarge.class);
        if (tooLarge != null) {
            // checked first: CXF may wrap it in a SOAP fault, and it is never the Agent's own answer
            return new MigrationError(ErrorCode.IN_DOUBT, "request sent, " + tooLarge.getMessage(), false, null, node);
        }
        MigrationError answered = agentAnswer(cause, ErrorCode.AGENT_ERROR, node);
        if (answered != null) {
            return answered;
        }
        if (notSent(cause)) {
            return new MigrationError(ErrorCode.UNREACHABLE, describe(cause), true, null, node);
        }
        HTTPException http = find(cause, HTTPException.class);
        if (http != null && http.getResponseCode() == 503) {
            // the Agent's front end turned the request away: 503 is "not serving", answered before any body is read
            return new MigrationError(ErrorCode.UNREACHABLE, "not accepted: HTTP 503", true, null, node);
        }
        if (find(cause, RejectedExecutionException.class) != null) {
            return new MigrationError(ErrorCode.INTERNAL, "not sent: " + describe(cause), true, null, node);
        }
        if (http != null) {
            // 502, 504 and the rest: a proxy may have forwarded the request before it failed
            return new MigrationError(ErrorCode.IN_DOUBT, "request sent, answer lost: HTTP " + http.getResponseCode(),
                    false, null, node);
        }
        String how = answerLost(cause) ? "request sent, answer lost: " : "request sent, answer unusable: ";
        return new MigrationError(ErrorCode.IN_DOUBT, how + describe(cause), false, null, node);
    }

    /** The Agent refused the login: AUTH_FAILED. No login answer: the migration was never sent, UNREACHABLE. */
    static MigrationError classifyLogin(Throwable cause, String node) {
        AnswerSizeLimit.AnswerTooLarge tooLarge = find(cause, AnswerSizeLimit.AnswerTooLarge.class);
        MigrationError answered = tooLarge != null ? null : agentAnswer(cause, ErrorCode.AUTH_FAILED, node);
        if (answered != null) {
            return answered;
        }
        return new MigrationError(ErrorCode.UNREACHABLE, "login to " + node + " failed: " + describe(cause), true, null,
                node);
    }

    /** The Agent answered with a fault: its error (with detail) or its faultstring, under {@code code}; else null. */
    private static MigrationError agentAnswer(Throwable cause, ErrorCode code, String node) {
        AgentFault fault = find(cause, AgentFault.class);
        if (fault != null) {
            return agentError(code, fault, node);
        }
        SOAPFaultException soapFault = find(cause, SOAPFaultException.class);
        return soapFault == null ? null : new MigrationError(code, faultString(soapFault), false, null, node);
    }

    /** The Agent's own error code, when the failure is an Agent error. */
    static Integer agentCode(Throwable failure) {
        AgentFault fault = find(unwrap(failure), AgentFault.class);
        return fault == null || fault.getFaultInfo() == null ? null : fault.getFaultInfo().getCode();
    }

    private static MigrationError agentError(ErrorCode code, AgentFault fault, String node) {
        AgentErrorDetail detail = fault.getFaultInfo();
        if (detail == null) {
            return new MigrationError(code, limit(fault.getMessage()), false, null, node);
        }
        String message = detail.getMessage() != null ? detail.getMessage() : fault.getMessage();
        return new MigrationError(code, limit(message), false, detail.getCode(), node);
    }

    /** Nothing reached the Agent: no connection, unknown host, TLS handshake refused, no pooled connection. */
    private static boolean notSent(Throwable cause) {
        return find(cause, ConnectException.class) != null
                || find(cause, UnknownHostException.class) != null
                || find(cause, NoRouteToHostException.class) != null
                || find(cause, SSLHandshakeException.class) != null
                || find(cause, ConnectionPoolTooBusyException.class) != null
                || messageContains(cause, "when getting a connection to")
                || messageContains(cause, "sending request headers")
                || messageContains(cause, "for HTTP connect")
                || messageContains(cause, "connect timed out");
    }

    /** The request left, the answer did not come: timeout, connection reset or closed. */
    private static boolean answerLost(Throwable cause) {
        return find(cause, SocketTimeoutException.class) != null
                || find(cause, HttpClosedException.class) != null
                || find(cause, SocketException.class) != null
                || messageContains(cause, "Timeout")
                || messageContains(cause, "Connection reset")
                || messageContains(cause, "Connection was closed");
    }

    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean messageContains(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String faultString(SOAPFaultException fault) {
        String text = fault.getFault() != null ? fault.getFault().getFaultString() : fault.getMessage();
        return limit(text == null ? "SOAP fault without a message" : text);
    }

    /** The innermost cause's type and message. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return limit(root.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private static String limit(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT);
    }
}
