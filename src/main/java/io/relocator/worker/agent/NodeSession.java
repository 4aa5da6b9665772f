package io.relocator.worker.agent;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * The session of one node's Agent, shared by every call to that node. At most one login runs at a time: callers that
 * need a session while it runs wait for the same login. A failed login is not kept; the next caller tries again.
 */
final class NodeSession {

    private final Supplier<Uni<String>> login;
    private CompletableFuture<String> current;

    NodeSession(Supplier<Uni<String>> login) {
        this.login = login;
    }

    /** The current session id, logging in first if there is none. */
    Uni<String> sessionId() {
        // copy(): a caller cancelling its Uni must not cancel the login the others wait for
        return Uni.createFrom().completionStage(() -> current().copy());
    }

    /** Forgets {@code stale} (the Agent said it is not valid), unless a newer session has replaced it already. */
    synchronized void invalidate(String stale) {
        if (current != null && current.isDone() && !current.isCompletedExceptionally()
                && stale.equals(current.getNow(null))) {
            current = null;
        }
    }

    private synchronized CompletableFuture<String> current() {
        if (current == null || current.isCompletedExceptionally()) {
            CompletableFuture<String> fresh = new CompletableFuture<>();
            current = fresh;
            login.get().subscribe().with(fresh::complete, failure -> fresh.completeExceptionally(new LoginFailed(failure)));
        }
        return current;
    }
}
