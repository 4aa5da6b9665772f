package io.relocator.worker.domain;

import java.time.Duration;

/** What follows an attempt: the request has ended (its terminal event is published), or it is tried again later. */
public sealed interface NextStep {

    NextStep ENDED = new Ended();

    record Ended() implements NextStep {
    }

    /** Try again after {@code delay}, without holding any slot meanwhile. */
    record RetryAfter(Duration delay, AttemptHistory history) implements NextStep {
    }
}
