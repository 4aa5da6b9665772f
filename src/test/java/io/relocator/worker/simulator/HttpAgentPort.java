package io.relocator.worker.simulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.relocator.worker.domain.AgentOutcome;
import io.relocator.worker.domain.AgentPort;
import io.relocator.worker.domain.CancelOutcome;
import io.relocator.worker.domain.CircuitBreakers;
import io.relocator.worker.domain.ContainerPresence;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationCall;
import io.relocator.worker.domain.MigrationError;
import io.relocator.worker.domain.MigrationRunner;
import io.relocator.worker.domain.Reconciliation;
import io.relocator.worker.domain.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * A plain {@link AgentPort} over real HTTP to the simulator on 127.0.0.1, so the domain's reconciliation can be run
 * against the simulator's timing without starting Quarkus. It maps answers the way {@code OutcomeClassifier} does
 * (tested on its own): 200 completed, a fault AGENT_ERROR, 503 or no connection UNREACHABLE, anything else after
 * the request was written (a dropped connection, 502, 504) IN_DOUBT; {@code system/cancel}: 200 cancelled, a fault
 * refused, anything else unanswered, as {@code SoapAgent} does.
 */
final class HttpAgentPort implements AgentPort {

    /**
     * The real {@link MigrationRunner} over this port to {@code sim}, with settings for races of a second or so:
     * 3 attempts 10 ms apart, reconciliation every 50 ms with a 1 s grace period, a 20 s deadline and a 30 s receive
     * timeout (far past the simulated migrations), and a circuit that does not open within a test.
     */
    static MigrationRunner runnerOver(SimulatorHarness sim) {
        Clock clock = Clock.systemUTC();
        return new MigrationRunner(new HttpAgentPort(sim), clock,
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMinutes(1), Set.of()),
                new Reconciliation(Duration.ofMillis(50), Duration.ofSeconds(20), Duration.ofSeconds(1),
                        Duration.ofSeconds(30)),
                new SplittableRandom(1), new CircuitBreakers(5, Duration.ofSeconds(30), Duration.ofMinutes(5), clock));
    }

    private final SimulatorHarness sim;
    private final Map<String, String> sessions = new ConcurrentHashMap<>();

    HttpAgentPort(SimulatorHarness sim) {
        this.sim = sim;
    }

    @Override
    public Uni<AgentOutcome> migrate(MigrationCall call) {
        String envelope = AgentEnvelopes.migrate(session(call.sourceNode()), call.packetId(),
                List.of(call.containerId()), SimulatorHarness.address(call.targetNode()), SimulatorHarness.USER,
                sim.password);
        return Uni.createFrom().completionStage(() -> sim.soapAsync(call.sourceNode(), envelope))
                .map(response -> outcome(response, call.sourceNode()))
                .onFailure().recoverWithItem(failure -> AgentOutcome.failed(lost(failure, call.sourceNode())));
    }

    @Override
    public Uni<ContainerPresence> locate(String node, String containerId) {
        String envelope = AgentEnvelopes.getInfo(session(node), containerId);
        return Uni.createFrom().completionStage(() -> sim.soapAsync(node, envelope))
                .map(response -> response.statusCode() != 200
                        ? ContainerPresence.unknown(node, containerId, MigrationError.of(ErrorCode.IN_DOUBT,
                                "HTTP " + response.statusCode(), false))
                        : SoapAnswers.envs(response.body()).stream().filter(e -> e.eid().equals(containerId))
                                .findFirst()
                                .map(e -> ContainerPresence.present(node, containerId, e.state(), e.transition()))
                                .orElse(ContainerPresence.absent(node, containerId)))
                .onFailure().recoverWithItem(failure -> ContainerPresence.unknown(node, containerId,
                        lost(failure, node)));
    }

    @Override
    public Uni<CancelOutcome> cancel(String node, String packetId) {
        String envelope = AgentEnvelopes.cancel(session(node), packetId);
        return Uni.createFrom().completionStage(() -> sim.soapAsync(node, envelope))
                .map(response -> switch (response.statusCode()) {
                    case 200 -> CancelOutcome.cancelled();
                    case 500 -> CancelOutcome.refused(new MigrationError(ErrorCode.AGENT_ERROR, "Agent fault", false,
                            SoapAnswers.faultCode(response.body()), node));
                    default -> CancelOutcome.unanswered(MigrationError.of(ErrorCode.IN_DOUBT,
                            "HTTP " + response.statusCode(), false));
                })
                .onFailure().recoverWithItem(failure -> CancelOutcome.unanswered(lost(failure, node)));
    }

    private String session(String node) {
        return sessions.computeIfAbsent(node, sim::login);
    }

    private static AgentOutcome outcome(HttpResponse<String> response, String node) {
        return switch (response.statusCode()) {
            case 200 -> AgentOutcome.completed();
            case 500 -> AgentOutcome.failed(new MigrationError(ErrorCode.AGENT_ERROR, "Agent fault", false,
                    SoapAnswers.faultCode(response.body()), node));
            case 503 -> AgentOutcome.failed(new MigrationError(ErrorCode.UNREACHABLE, "HTTP 503", true, null, node));
            default -> AgentOutcome.failed(new MigrationError(ErrorCode.IN_DOUBT, "request sent, answer lost: HTTP "
                    + response.statusCode(), false, null, node));
        };
    }

    private static MigrationError lost(Throwable failure, String node) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof ConnectException) {
            return new MigrationError(ErrorCode.UNREACHABLE, cause.toString(), true, null, node);
        }
        return new MigrationError(ErrorCode.IN_DOUBT, "request sent, answer lost: "
                + (cause instanceof IOException ? "connection dropped" : cause.toString()), false, null, node);
    }
}
