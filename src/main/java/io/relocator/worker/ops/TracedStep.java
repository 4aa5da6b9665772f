package io.relocator.worker.ops;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.relocator.worker.domain.TraceContext;

/** One span of a request's work, open until {@link #end}: what its events and hand-offs carry. Any thread. */
public final class TracedStep {

    private final Span span;
    private final TraceContext context;

    TracedStep(Span span) {
        this.span = span;
        this.context = RequestTracing.of(span);
    }

    /** The step's trace context, as header values. */
    public TraceContext context() {
        return context;
    }

    /** Ends the step; a second call changes nothing. */
    public void end() {
        span.end();
    }

    /** Ends the step as failed by {@code failure} (its type only: messages may come from outside). */
    public void failed(Throwable failure) {
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        span.end();
    }

    /** Notes what became of the step's request ({@code relocator.outcome}). */
    public TracedStep outcome(String outcome) {
        span.setAttribute("relocator.outcome", outcome);
        return this;
    }
}
