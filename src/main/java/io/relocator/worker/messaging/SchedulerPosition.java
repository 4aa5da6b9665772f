package io.relocator.worker.messaging;

/**
 * How far the scheduler has read its inbox (the next offset of each partition) and the last grant epoch it gave,
 * written in every transaction of the scheduler with the state changes it made: a new scheduler resumes exactly there.
 */
record SchedulerPosition(long wants, long releases, long lastEpoch) {

    static final SchedulerPosition START = new SchedulerPosition(0, 0, 0);
}
