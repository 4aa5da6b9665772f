package io.relocator.worker.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.cxf.interceptor.MessageSenderInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

/**
 * Sends the W3C trace context of the current OpenTelemetry context ({@code traceparent}, {@code tracestate}) as HTTP
 * headers of an Agent call; nothing when there is none. Runs in the call's out chain, on the thread that makes the
 * call, where {@link AgentCalls} has made the call's context current. (The Vert.x HTTP client's own tracing is off for
 * these clients, so this is the one place the headers come from.)
 */
final class TraceHeaders extends AbstractPhaseInterceptor<Message> {

    TraceHeaders() {
        super(Phase.PREPARE_SEND);
        addBefore(MessageSenderInterceptor.class.getName());
    }

    @Override
    public void handleMessage(Message message) {
        Context context = Context.current();
        @SuppressWarnings("unchecked")
        Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
        if (headers == null) {
            headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            message.put(Message.PROTOCOL_HEADERS, headers);
        }
        Map<String, List<String>> target = headers;
        W3CTraceContextPropagator.getInstance().inject(context, target, (carrier, name, value) -> {
            List<String> values = new ArrayList<>(1);
            values.add(value);
            carrier.put(name, values);
        });
    }
}
