package io.relocator.worker.domain;

/**
 * What a RUNNING event shows of the Container: the source's and the target's {@code envm/get_info}, asked at the
 * heartbeat. The event's {@code agents} object.
 */
public record RunningAgents(NodeView source, NodeView target) {

    /** Both answers of one heartbeat. */
    public static RunningAgents of(ContainerPresence onSource, ContainerPresence onTarget) {
        return new RunningAgents(NodeView.of(onSource), NodeView.of(onTarget));
    }

    /**
     * One node's answer. When the Agent answered: {@code present}, {@code inTransition}, and its {@code state} and
     * {@code transition} codes when given (compared for change only: the codes are not published). When it could not
     * be asked: only {@code error}, the code of why (never its message).
     */
    public record NodeView(String node, Boolean present, Boolean inTransition, Integer state, Integer transition,
            ErrorCode error) {

        static NodeView of(ContainerPresence presence) {
            if (!presence.isKnown()) {
                return new NodeView(presence.node(), null, null, null, null, presence.error().code());
            }
            return new NodeView(presence.node(), presence.present(), presence.inTransition(), presence.state(),
                    presence.transition(), null);
        }
    }
}
