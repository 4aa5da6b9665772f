package io.relocator.worker.agent;

import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import jakarta.xml.ws.AsyncHandler;

import io.smallrye.mutiny.Uni;

/**
 * Turns a generated callback method ({@code port.xAsync(..., handler)}) into a {@link Uni}: the call starts on
 * subscription, no thread waits for the answer, and the Uni ends when CXF's callback fires (answer, fault, or a dead
 * connection). Failures are the CXF exception itself, with the {@link ExecutionException} layer removed.
 */
final class AgentCalls {

    private AgentCalls() {
    }

    static <T> Uni<T> call(Function<AsyncHandler<T>, ?> invocation) {
        return Uni.createFrom().emitter(emitter -> invocation.apply(response -> {
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
        }));
    }
}
