package io.relocator.worker.messaging;

import io.relocator.worker.domain.MigrationRequest;
import io.relocator.worker.domain.NodeCommand;

/** One record of the scheduler's inbox, as read back by the scheduler. */
sealed interface InboxRecord {

    /** A valid request, handed to the scheduler by the owner of requests partition {@code partition}. */
    record Want(MigrationRequest request, int partition) implements InboxRecord {
    }

    /** The request {@code requestId} is to be cancelled, by the cancel {@code cancelId}. */
    record Cancel(String requestId, String cancelId) implements InboxRecord {
    }

    /** The slots of grant {@code epoch} of {@code requestId} are free: its migration has ended. */
    record Release(String requestId, long epoch) implements InboxRecord {
    }

    /** An operator's command on a node, given by {@code actor} (a user name). */
    record Control(NodeCommand command, String actor) implements InboxRecord {
    }

    /** Not readable (written by something else, or for a node no longer in the inventory): skipped, and logged. */
    record Unreadable(String why) implements InboxRecord {
    }
}
