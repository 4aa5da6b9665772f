import java.util.ArrayList;
import java.util.List;

/**
 * What the events say about a set of requests: first and last STARTED, last terminal event, how many ended and failed,
 * and the in-flight curve (STARTED minus terminal over event time) with its peak. Also the percentile used for waits.
 */
final class Stats {

    long firstStarted = Long.MAX_VALUE;
    long lastStarted;
    long lastTerminal;
    int terminal;
    int failed;
    int peakInFlight;
    private final List<Long> terminals = new ArrayList<>();
    /** (event time, in flight just after it), in time order. */
    private final List<long[]> curve = new ArrayList<>();

    private Stats() {
    }

    /** From each started request's {STARTED, terminal (0 while running), failed (0/1)} times. */
    static Stats of(List<long[]> started) {
        Stats s = new Stats();
        List<long[]> deltas = new ArrayList<>();
        for (long[] t : started) {
            s.firstStarted = Math.min(s.firstStarted, t[0]);
            s.lastStarted = Math.max(s.lastStarted, t[0]);
            deltas.add(new long[] {t[0], 1});
            if (t[1] > 0) {
                s.terminal++;
                s.failed += t[2];
                s.lastTerminal = Math.max(s.lastTerminal, t[1]);
                s.terminals.add(t[1]);
                deltas.add(new long[] {t[1], -1});
            }
        }
        // At equal times the ends go first, so that a migration ending as another starts does not count as two.
        deltas.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int cur = 0;
        for (long[] d : deltas) {
            cur += d[1];
            if (cur > s.peakInFlight) {
                s.peakInFlight = cur;
            }
            s.curve.add(new long[] {d[0], cur});
        }
        return s;
    }

    /** When in flight first reached the level; -1 if it never did. */
    long firstTimeInFlightAtLeast(int level) {
        for (long[] c : curve) {
            if (c[1] >= level) {
                return c[0];
            }
        }
        return -1;
    }

    long terminalsBetween(long from, long to) {
        return terminals.stream().filter(t -> t >= from && t <= to).count();
    }

    /** The p-th percentile (nearest rank) of sorted values; -1 when there are none. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
