package io.relocator.worker.domain;

/**
 * How one {@code system/cancel} ended. Never an exception.
 *
 * @param error why it was not {@link Result#CANCELLED}; null when it was
 */
public record CancelOutcome(Result result, MigrationError error) {

    private static final CancelOutcome CANCELLED = new CancelOutcome(Result.CANCELLED, null);

    public enum Result {
        /** The Agent answered OK: it no longer processes that call, if it ever did. */
        CANCELLED,
        /**
         * The Agent answered with an error of its own: it does not know the packet (never received, or already ended)
         * or does not offer {@code system/cancel}. What it answers for a message it no longer knows is not published.
         */
        REFUSED,
        /** No answer: not delivered, or the answer was lost. Nothing is known of the call it named. */
        UNANSWERED
    }

    public static CancelOutcome cancelled() {
        return CANCELLED;
    }

    public static CancelOutcome refused(MigrationError error) {
        return new CancelOutcome(Result.REFUSED, error);
    }

    public static CancelOutcome unanswered(MigrationError error) {
        return new CancelOutcome(Result.UNANSWERED, error);
    }
}
