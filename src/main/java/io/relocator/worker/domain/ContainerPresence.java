package io.relocator.worker.domain;


/**
 * What a node's Agent said about one Container ({@code envm/get_info}): there or not, with its {@code status/state}
 * and {@code status/transition} when given; or, when the Agent could not be asked, why ({@code error} set,
 * {@code present} meaningless).
 *
 * @param state      the Agent's {@code status/state} code, or null. Its codes are not published: it is compared for
 *                   change only, never read as "busy" or "idle"
 * @param transition the Agent's {@code status/transition} code ("current Env transition if present"), or null when
 *                   the Agent shows none: a Container with one is in the middle of an operation, whatever its state
 */
public record ContainerPresence(String node, String containerId, boolean present, Integer state, Integer transition,
        MigrationError error) {

    public static ContainerPresence present(String node, String containerId, Integer state, Integer transition) {
        return new ContainerPresence(node, containerId, true, state, transition, null);
    }

    public static ContainerPresence absent(String node, String containerId) {
        return new ContainerPresence(node, containerId, false, null, null, null);
    }

    public static ContainerPresence unknown(String node, String containerId, MigrationError error) {
        return new ContainerPresence(node, containerId, false, null, null, error);
    }

    public boolean isKnown() {
        return error == null;
    }

    /** The Agent answered and shows the Container in the middle of an operation. */
    public boolean inTransition() {
        return isKnown() && present && transition != null;
    }
}
