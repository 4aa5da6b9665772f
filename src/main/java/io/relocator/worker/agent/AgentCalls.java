package io.relocator.worker.agent;

import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import jakarta.xml.ws.AsyncHandler;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Turns a generated callback method ({@code port.xAsync(..., handler)}) into a {@link Uni}: the call starts on
 * subscription, no thread waits for the answer, and the Uni ends when CXF's callback fires (answer, fault, or a dead
 * connection). Failures are the CXF exception itself, with the {@link ExecutionException} layer removed.
 *
 * <p>A call made with a trace context sends it ({@link TraceHeaders}): the call is made with that context current, on
 * the subscribing thread, or on a worker thread when that is a Vert.x event loop (where the client would move the call
 * to a worker thread itself, away from the context).
 */
final class AgentCalls {

    private AgentCalls() {
    }

    static <T> Uni<T> call(Function<AsyncHandler<T>, ?> invocation) {
        return call(Context.root(), invocation);
    }

    /** As {@link #call(Function)}, sending the trace context of {@code trace} with the call. */
    static <T> Uni<T> call(Context trace, Function<AsyncHandler<T>, ?> invocation) {
        Uni<T> call = Uni.createFrom().emitter(emitter -> {
            try (Scope ignored = trace.makeCurrent()) {
                invocation.apply(handler(emitter));
            }
        });
        return trace == Context.root() ? call : call.runSubscriptionOn(command -> {
            if (io.vertx.core.Context.isOnEventLoopThread()) {
                Infrastructure.getDefaultWorkerPool().execute(command);
            } else {
                command.run();
            }
        });
    }

    private static <T> AsyncHandler<T> handler(io.smallrye.mutiny.subscription.UniEmitter<? super T> emitter) {
        return response -> {
            try {
                emitter.complete(response.get());
            } catch (ExecutionException e) {
                emitter.fail(e.getCause() != null ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.fail(e);
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        };
    }
}
