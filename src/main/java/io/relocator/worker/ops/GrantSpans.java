package io.relocator.worker.ops;

import java.time.Instant;
import java.util.function.Supplier;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.CancelOutcome;
import io.relocator.worker.domain.ContainerPresence;
import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.StepTrace;
import io.relocator.worker.domain.TraceContext;
import io.smallrye.mutiny.Uni;

/**
 * The spans of one grant of a request, in the trace its intake started: the wait for its slots (from its first read
 * to the grant starting here), then each attempt as a child of it, each Agent call (a client span, whose context the
 * Agent is sent) and each reconciliation as a child of the step they are part of. One grant's steps follow each
 * other; the methods may be called from whichever thread runs the current step, and are synchronized.
 */
public final class GrantSpans implements StepTrace {

    private final Tracer tracer;
    private final MigrationRequest request;
    /** Where this grant's spans hang: the intake's context, then the wait span once it is recorded. */
    private Context base;
    private Span attempt;
    private Span reconciliation;

    GrantSpans(Tracer tracer, MigrationRequest request, Context intake) {
        this.tracer = tracer;
        this.request = request;
        this.base = intake;
    }

    /** The request waited from {@code since} (its first read) until now for its slots (and a call permit). */
    public synchronized void waited(Instant since) {
        Span wait = tracer.spanBuilder("relocator wait").setParent(base).setStartTimestamp(since)
                .setAttribute(RequestTracing.REQUEST_ID, request.requestId())
                .setAttribute("relocator.source_node", request.sourceNode())
                .setAttribute("relocator.target_node", request.targetNode())
                .startSpan();
        wait.end();
        base = base.with(wait);
    }

    /** Attempt {@code number} begins (before its STARTED event is written): its context, for that event. */
    public synchronized TraceContext attemptStarted(int number) {
        endAttempt();
        attempt = tracer.spanBuilder("relocator attempt").setParent(base)
                .setAttribute(RequestTracing.REQUEST_ID, request.requestId())
                .setAttribute("relocator.attempt", number)
                .setAttribute("relocator.source_node", request.sourceNode())
                .setAttribute("relocator.target_node", request.targetNode())
                .startSpan();
        return RequestTracing.of(attempt);
    }

    /** The current attempt is over (the request ended, or waits to be tried again). */
    public synchronized void attemptEnded() {
        endAttempt();
    }

    /** The context of the step now running, for an event written now; the intake's before the first attempt. */
    public synchronized TraceContext current() {
        return RequestTracing.of(Span.fromContext(current0()));
    }

    /** Ends whatever is still open: the grant is over. */
    public synchronized void end() {
        endAttempt();
    }

    @Override
    public <T> Uni<T> agentCall(String node, String operation, Supplier<Uni<T>> call) {
        Span span;
        synchronized (this) {
            span = tracer.spanBuilder("relocator agent " + operation).setSpanKind(SpanKind.CLIENT)
                    .setParent(current0())
                    .setAttribute("rpc.system", "soap")
                    .setAttribute("rpc.method", operation)
                    .setAttribute("relocator.node", node)
                    .startSpan();
        }
        Uni<T> result;
        // Current while the call is made: the Agent client takes the context it sends from here (SoapAgent).
        try (Scope ignored = span.makeCurrent()) {
            result = call.get();
        }
        return result.onItemOrFailure().invoke((item, failure) -> {
            String error = failure != null ? failure.getClass().getSimpleName() : errorOf(item);
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error);
            }
            span.end();
        }).onCancellation().invoke(span::end);
    }

    @Override
    public <T> Uni<T> reconciliation(Supplier<Uni<T>> rounds) {
        Span span;
        synchronized (this) {
            span = tracer.spanBuilder("relocator reconciliation").setParent(current0())
                    .setAttribute(RequestTracing.REQUEST_ID, request.requestId())
                    .startSpan();
            reconciliation = span;
        }
        return rounds.get().onTermination().invoke(() -> {
            synchronized (this) {
                if (reconciliation == span) {
                    reconciliation = null;
                }
            }
            span.end();
        });
    }

    private Context current0() {
        Span step = reconciliation != null ? reconciliation : attempt;
        return step != null ? base.with(step) : base;
    }

    private void endAttempt() {
        if (reconciliation != null) {
            reconciliation.end();
            reconciliation = null;
        }
        if (attempt != null) {
            attempt.end();
            attempt = null;
        }
    }

    /** The error code of an Agent call's answer that is a failure (as a value), or null. */
    private static String errorOf(Object answer) {
        if (answer instanceof AgentOutcome outcome && !outcome.isCompleted()) {
            return outcome.error().code().name();
        }
        if (answer instanceof ContainerPresence presence && !presence.isKnown()) {
            return presence.error().code().name();
        }
        if (answer instanceof CancelOutcome cancel && cancel.error() != null) {
            return cancel.error().code().name();
        }
        return null;
    }
}
