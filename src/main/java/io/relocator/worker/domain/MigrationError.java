package io.relocator.worker.domain;

/**
 * Why a migration failed, as the FAILED event's {@code error} object carries it.
 *
 * @param retryable may the same migration safely be asked for again, under a new requestId
 * @param agentCode the Agent's own error code, or null when no Agent answered with one
 * @param node      the node whose Agent failed or refused, or null
 */
public record MigrationError(ErrorCode code, String message, boolean retryable, Integer agentCode, String node) {

    public static MigrationError of(ErrorCode code, String message, boolean retryable) {
        return new MigrationError(code, message, retryable, null, null);
    }
}
