package io.relocator.worker.domain;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Where the steps of one request's migration are traced: the runner hands each Agent call and each reconciliation to
 * it, and never knows how (or whether) they are recorded. Methods run on the calling thread; the returned Uni
 * completes where the given one does.
 */
public interface StepTrace {

    /** Not traced: the work runs as it is. */
    StepTrace NONE = new StepTrace() {
        @Override
        public <T> Uni<T> agentCall(String node, String operation, Supplier<Uni<T>> call) {
            return call.get();
        }

        @Override
        public <T> Uni<T> reconciliation(Supplier<Uni<T>> rounds) {
            return rounds.get();
        }
    };

    /**
     * One call of {@code operation} to {@code node}'s Agent; {@code call} is invoked at once, on this thread, and the
     * Agent is sent the trace context of the call's own step.
     */
    <T> Uni<T> agentCall(String node, String operation, Supplier<Uni<T>> call);

    /** The reconciliation of a lost answer, from its first round to its verdict; {@code rounds} is invoked at once. */
    <T> Uni<T> reconciliation(Supplier<Uni<T>> rounds);
}
