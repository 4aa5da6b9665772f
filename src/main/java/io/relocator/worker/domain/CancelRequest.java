package io.relocator.worker.domain;

import java.time.Instant;

/**
 * A valid cancel (see the contract's Cancel): a record on the requests topic with {@code cancels} set, naming the
 * request it cancels. Built only by {@link RequestParser}. It has its own requestId and its own terminal event.
 *
 * @param requestId  the cancel's own id (its idempotency key)
 * @param cancels    the requestId of the request it cancels
 * @param receivedAt when the worker first read it
 */
public record CancelRequest(String requestId, String cancels, String containerId, String requestedBy,
        String reason, Instant receivedAt) {
}
