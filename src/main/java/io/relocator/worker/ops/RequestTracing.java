package io.relocator.worker.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.TraceContext;

/**
 * The worker's spans of a request, made in one place: its intake (a consumer span, child of the request record's
 * {@code traceparent} when it has one, the root of a new trace otherwise) and, through {@link GrantSpans}, the wait
 * for its slots, each attempt, each Agent call and each reconciliation, wherever the request is run. Trace contexts
 * travel as W3C header values ({@link TraceContext}); whatever comes from outside is validated by the W3C propagator
 * (an unusable {@code traceparent} starts a new trace). Any thread.
 */
@ApplicationScoped
public class RequestTracing {

    static final String REQUEST_ID = "relocator.request_id";
    static final String CONTAINER_ID = "relocator.container_id";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<UnaryOperator<String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> carrier) {
            return W3C.fields();
        }

        @Override
        public String get(UnaryOperator<String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final Tracer tracer;

    @Inject
    RequestTracing(OpenTelemetry openTelemetry) {
        this(openTelemetry.getTracer("io.relocator.worker"));
    }

    /** For tests and for wiring without CDI. */
    public RequestTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The intake of one request record read from {@code topic}: a consumer span, child of the trace context in the
     * record's {@code headers} (a header's value by its name, null when absent).
     */
    public TracedStep intake(UnaryOperator<String> headers, String topic, String requestId, String containerId) {
        Span span = tracer.spanBuilder("relocator intake").setSpanKind(SpanKind.CONSUMER)
                .setParent(W3C.extract(Context.root(), headers, HEADERS))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute(REQUEST_ID, requestId)
                .setAttribute(CONTAINER_ID, containerId == null ? "" : containerId)
                .startSpan();
        return new TracedStep(span);
    }

    /** The spans of one grant of {@code request}, continuing the trace its intake started ({@code request.trace()}). */
    public GrantSpans grant(MigrationRequest request) {
        return new GrantSpans(tracer, request, extract(request.trace()));
    }

    /** The context a trace context's header values name; the root context when they name none (or none usable). */
    static Context extract(TraceContext trace) {
        if (!trace.isPresent()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), name -> switch (name) {
            case "traceparent" -> trace.traceparent();
            case "tracestate" -> trace.tracestate();
            default -> null;
        }, HEADERS);
    }

    /** The header values of {@code span}'s context; {@link TraceContext#NONE} when it has none. */
    static TraceContext of(Span span) {
        if (!span.getSpanContext().isValid()) {
            return TraceContext.NONE;
        }
        Map<String, String> headers = new HashMap<>(2);
        W3C.inject(Context.root().with(span), headers, Map::put);
        return new TraceContext(headers.get("traceparent"), headers.get("tracestate"));
    }
}
