package io.relocator.worker.domain;

/**
 * The W3C trace context of a step of a request's work, as its header values: what a request record brought, what the
 * hand-off to the scheduler carries to the worker that runs the request, what each event and Agent call is sent with.
 * Nothing here is parsed or trusted: the tracing code validates it when it continues the trace.
 *
 * @param traceparent the {@code traceparent} value, or null when there is none
 * @param tracestate  the {@code tracestate} value, or null when there is none
 */
public record TraceContext(String traceparent, String tracestate) {

    /** No trace context: a request that came without one, read back from a record written before there was one. */
    public static final TraceContext NONE = new TraceContext(null, null);

    public boolean isPresent() {
        return traceparent != null;
    }
}
