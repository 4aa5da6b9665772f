package io.relocator.worker.domain;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;

/**
 * One run's stop switch: asked at most once (by a cancel naming the request, or by its {@code completeBy}), and read by
 * the {@link MigrationRunner} at each step of the run: before an attempt (it then ends CANCELLED without a call), while
 * a call is out ({@code system/cancel} of its packet id, then settled with the Agents), between attempts (the back-off
 * ends at once). Thread-safe: any thread may ask, and what it triggers runs on the asking thread.
 */
public final class Cancellation {

    private final CompletableFuture<String> requested = new CompletableFuture<>();

    /** Asks the run to stop, saying why (for the terminal event's message); a second ask changes nothing. */
    public void request(String why) {
        requested.complete(why);
    }

    /** Whether the run was asked to stop. */
    public boolean requested() {
        return requested.isDone();
    }

    /** Why the run was asked to stop; null when it was not. */
    public String why() {
        return requested.getNow(null);
    }

    /** Runs {@code action} with the reason once the run is asked to stop: at once when it was already. */
    void whenRequested(Consumer<String> action) {
        requested.thenAccept(action);
    }

    /** Completes after {@code delay}, or as soon as the run is asked to stop, whichever comes first. */
    public Uni<Void> delay(Duration delay) {
        if (requested()) {
            return Uni.createFrom().voidItem();
        }
        // a copy: a timed-out wait cancels what it waited on, and that must not be the switch itself
        return Uni.createFrom().completionStage(requested.thenApply(why -> why)).replaceWithVoid().ifNoItem()
                .after(delay).recoverWithItem((Void) null);
    }
}
