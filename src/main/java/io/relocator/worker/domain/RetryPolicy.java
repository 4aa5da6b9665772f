package io.relocator.worker.domain;

import java.time.Duration;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Which failed attempts may be tried again, how often, and after how long. Only failures where the Agent certainly
 * did not start the migration qualify: those the adapter marks retryable (nothing was sent, or the request was turned
 * away with HTTP 503 before it was accepted), a lost answer once reconciliation proved the migration did not run, and
 * the Agent error codes the operator lists. A lost answer itself is never retryable: it is reconciled first. Back-off is exponential with full jitter.
 *
 * @param maxAttempts     attempts in all, the first included
 * @param deadline        no attempt starts later than this after the first one began
 * @param retryableAgentCodes Agent error codes after which the migration certainly did not start
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deadline,
        Set<Integer> retryableAgentCodes) {

    public RetryPolicy {
        retryableAgentCodes = Set.copyOf(retryableAgentCodes);
    }

    /** Whether this failure of attempt {@code attempt} may be tried again at all (deadlines aside). */
    public boolean allowsRetry(MigrationError error, int attempt) {
        if (attempt >= maxAttempts) {
            return false;
        }
        return error.retryable() && error.code() != ErrorCode.EXPIRED
                || error.code() == ErrorCode.AGENT_ERROR && error.agentCode() != null
                        && retryableAgentCodes.contains(error.agentCode());
    }

    /** The wait before attempt {@code attempt + 1}: uniform in [0, min(max, initial * 2^(attempt-1))]. */
    public Duration backoff(int attempt, RandomGenerator random) {
        long ceiling = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 30));
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
