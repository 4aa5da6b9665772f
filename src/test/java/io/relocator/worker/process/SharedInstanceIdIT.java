package io.relocator.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Two worker processes started with one {@code relocator.instance-id}: the second fences the first (its transactional
 * producer, and its static group membership), and the fenced one stops, non-zero, with an ERROR naming the setting,
 * while the other goes on. Requests keep arriving meanwhile, as they would in production: the fenced worker learns of
 * the fencing when it next commits.
 */
class SharedInstanceIdIT extends ProcessTestSupport {

    private static final String MESSAGE = "another worker runs with relocator.instance-id=it-worker; give each process its own";

    @Test
    void theFencedWorkerStopsNamingTheSetting() {
        AppProcess first = startWorker("first", Map.of());
        AppProcess second = startWorker("second", Map.of());

        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        int round = 0;
        while (first.isAlive() && second.isAlive() && Instant.now().isBefore(deadline)) {
            publish("shared-" + round++, 2); // work for whichever holds the partitions now
            AppProcess.pause(Duration.ofSeconds(1)); // paces the publishing; the exit is what is waited for
        }

        List<AppProcess> stopped = List.of(first, second).stream().filter(w -> !w.isAlive()).toList();
        assertEquals(1, stopped.size(), "one of the two workers stops (first alive: " + first.isAlive()
                + ", second alive: " + second.isAlive() + ")");
        AppProcess fenced = stopped.get(0);
        assertNotEquals(0, fenced.exitCode(), "it exits non-zero");
        assertTrue(fenced.log().lines().anyMatch(line -> line.contains("ERROR") && line.contains(MESSAGE)),
                "its log says which setting to change");
        AppProcess other = fenced == first ? second : first;
        assertTrue(other.isAlive(), "the other one goes on");
    }
}
