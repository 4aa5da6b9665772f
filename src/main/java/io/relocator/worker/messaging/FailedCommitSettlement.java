package io.relocator.worker.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import io.relocator.worker.domain.RequestMark;

/**
 * Tells whether a transaction whose commit failed was committed all the same. A commit whose answer was lost may have
 * been (the broker then answers the client's retry with INVALID_TXN_STATE), and writing its units again would publish
 * every terminal event in it twice. Once the transaction has ended, its marks tell (an end counts as there when the
 * store has the request ended; an in-flight mark only when the store has that very attempt, same packet id, so
 * another owner's attempt never passes for this one; a hand-off when the store has any mark of the request): the
 * outcome store, read up to the end,
 * has all of them when it was committed, and none when it was not. Marks of partitions taken away meanwhile are not
 * asked about (their units are dropped anyway). A transaction without marks (releases alone, dead letters) counts as
 * not committed and is written again: a RELEASE twice is stale and frees nothing, and a dead letter may appear twice.
 * Some found and some not is {@link Fate#UNKNOWN}. A commit whose offsets the group refused (this member had lost its
 * partitions) was not committed, whatever the store holds.
 *
 * <p>Called on the committer's thread; it waits for the outcome store to read to its end.
 */
final class FailedCommitSettlement {

    /** What became of a transaction whose commit failed. */
    enum Fate {
        /** Every one of its ended marks is in the outcome topic: it was committed. */
        COMMITTED,
        /** None is (or it carried none): it was not, and may be written again. */
        NOT_COMMITTED,
        /** Some are and some are not, or the store cannot tell: only a restart, mark by mark, can. */
        UNKNOWN
    }

    private final OutcomeStore store;

    FailedCommitSettlement(OutcomeStore store) {
        this.store = store;
    }

    /** @param cause what the failed commit reported */
    Fate of(List<TransactionUnit> units, Throwable cause) {
        // The group coordinator refused the offsets (this member lost its partitions): the transaction was aborted,
        // whatever another owner's marks in the store may say about the same requests.
        if (Causes.any(cause, CommitFailedException.class, UnknownMemberIdException.class,
                IllegalGenerationException.class, FencedInstanceIdException.class)) {
            return Fate.NOT_COMMITTED;
        }
        Map<Integer, List<RequestMark>> marks = new HashMap<>();
        units.stream().filter(unit -> !unit.marks().isEmpty()).forEach(unit -> marks
                .computeIfAbsent(unit.origin().partition(), p -> new ArrayList<>()).addAll(unit.marks()));
        if (marks.isEmpty()) {
            return Fate.NOT_COMMITTED;
        }
        try {
            OutcomeStore.MarksFound read = store.find(marks);
            return read.found() == 0 ? Fate.NOT_COMMITTED : read.missing() == 0 ? Fate.COMMITTED : Fate.UNKNOWN;
        } catch (RuntimeException storeStopped) { // the worker is stopping
            return Fate.UNKNOWN;
        }
    }
}
