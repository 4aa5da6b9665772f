import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU use over one measured phase, read from /proc: user + system time of each named process (and of this JVM, as
 * "bench") and the busy share of the whole machine. Started at the beginning of the phase, reported at its end as
 * RESULT lines {@code <prefix>.cpu_<name>_cores} and {@code <prefix>.cpu_machine_busy_pct}.
 */
final class CpuWatch {

    private final Map<String, String> pids = new LinkedHashMap<>();
    private final Map<String, Double> before = new LinkedHashMap<>();
    private final long[] machine;
    private final long started;

    /** Names and pids in pairs; a pair whose pid is null (not passed by the script) is left out. */
    CpuWatch(String... namePid) {
        for (int i = 0; i + 1 < namePid.length; i += 2) {
            if (namePid[i + 1] != null) {
                pids.put(namePid[i], namePid[i + 1]);
            }
        }
        pids.put("bench", Long.toString(ProcessHandle.current().pid()));
        pids.forEach((n, pid) -> before.put(n, cpuSeconds(pid)));
        machine = machineTicks();
        started = System.nanoTime();
    }

    /** The worker, the simulator and the broker, from the pid=, sim-pid= and broker-pid= options. */
    static CpuWatch ofAllProcesses(Options options) {
        return new CpuWatch("worker", options.orNull("pid"), "simulator", options.orNull("sim-pid"), "broker",
                options.orNull("broker-pid"));
    }

    void report(String prefix) {
        double wall = (System.nanoTime() - started) / 1e9;
        long[] now = machineTicks();
        Console.result(prefix + ".cpu_machine_busy_pct",
                Console.decimals(100.0 * (now[0] - machine[0]) / Math.max(1, now[1] - machine[1]), 0));
        pids.forEach((n, pid) -> Console.result(prefix + ".cpu_" + n + "_cores",
                Console.decimals((cpuSeconds(pid) - before.get(n)) / wall, 2)));
    }

    /** CPU seconds (user + system) used so far by a process; -1 when it cannot be read. */
    private static double cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in USER_HZ ticks
        } catch (Exception e) {
            return -1;
        }
    }

    /** Busy and total CPU ticks of the machine (all cores), from /proc/stat. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }
}
