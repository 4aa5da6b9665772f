package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;
import io.smallrye.mutiny.Uni;

/** Each call is timed once it runs, under its node, operation and the kind of outcome it ended with. */
class AgentCallTimersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AgentCallTimers timers = new AgentCallTimers(registry);

    @Test
    void aCallIsTimedUnderTheKindOfItsTypedOutcome() {
        Uni<String> answered = timers.timed("hn-01", AgentCallTimers.GET_INFO, failure -> null, Uni.createFrom().item("x"));
        Uni<String> lost = timers.timed("hn-01", AgentCallTimers.MIGRATE_V2V,
                failure -> new MigrationError(ErrorCode.IN_DOUBT, failure.getMessage(), false, null, "hn-01"),
                Uni.createFrom().failure(new IOException("reset")));
        assertNull(timer("get_info", "ok"), "nothing recorded before the call runs");

        answered.await().indefinitely();
        lost.onFailure().recoverWithItem("recovered").await().indefinitely();

        assertEquals(1, count("get_info", "ok"));
        assertEquals(1, count("migrate_v2v", "in_doubt"));
        assertNull(timer("migrate_v2v", "ok"));
    }

    private long count(String operation, String outcome) {
        Timer timer = timer(operation, outcome);
        return timer == null ? 0 : timer.count();
    }

    private Timer timer(String operation, String outcome) {
        return registry.find("relocator.agent.calls").tags("node", "hn-01", "operation", operation, "outcome", outcome)
                .timer();
    }
}
