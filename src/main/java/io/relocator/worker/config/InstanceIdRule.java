package io.relocator.worker.config;

import java.util.Optional;

/**
 * The rule for {@code relocator.instance-id}: the worker's transactional id and static group membership come from it,
 * so a worker without one must not start under a made-up shared name (two such workers would fence each other). Called
 * by {@code OutcomeTransactions} at start-up, before the id is first used.
 */
public final class InstanceIdRule {

    private InstanceIdRule() {
    }

    /** The configured id (or {@code HOSTNAME}, its default); refuses when there is none, naming the setting. */
    public static String require(Optional<String> configured) {
        return configured.map(String::strip).filter(id -> !id.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "relocator.instance-id is not set and the HOSTNAME environment variable is empty: set "
                        + "relocator.instance-id (environment RELOCATOR_INSTANCE_ID) to a name unique to this worker "
                        + "process and the same across its restarts (a StatefulSet pod name, say)"));
    }
}
