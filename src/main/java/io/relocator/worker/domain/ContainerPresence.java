package io.relocator.worker.domain;


/**
 * What a node's Agent said about one Container ({@code envm/get_info}): there or not, with its state when given; or,
 * when the Agent could not be asked, why ({@code error} set, {@code present} meaningless).
 *
 * @param state the Agent's {@code status/state} code, or null
 */
public record ContainerPresence(String node, String containerId, boolean present, Integer state, MigrationError error) {

    public static ContainerPresence present(String node, String containerId, Integer state) {
        return new ContainerPresence(node, containerId, true, state, null);
    }

    public static ContainerPresence absent(String node, String containerId) {
        return new ContainerPresence(node, containerId, false, null, null);
    }

    public static ContainerPresence unknown(String node, String containerId, MigrationError error) {
        return new ContainerPresence(node, containerId, false, null, error);
    }

    public boolean isKnown() {
        return error == null;
    }
}
