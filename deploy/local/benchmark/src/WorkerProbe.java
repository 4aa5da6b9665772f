import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker JVM seen from outside, so that measuring adds nothing to it: /proc for its threads, jcmd for its heap.
 * Every figure is -1 when it cannot be read.
 */
final class WorkerProbe {

    /**
     * G1's line of jcmd GC.heap_info as JDK 17 prints it ("total 262144K, used 12345K"). JDK 25 prints "total reserved
     * 65536K, committed 65536K, used 2190K", which this does not match: every heap figure is then -1.
     */
    private static final Pattern G1_HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final long pid;

    WorkerProbe(long pid) {
        this.pid = pid;
    }

    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return -1;
    }

    /** {@code used} and {@code total} of the heap, in MB, from jcmd GC.heap_info. */
    long[] heap() {
        Matcher m = G1_HEAP.matcher(jcmd("GC.heap_info"));
        return m.find() ? new long[] {Long.parseLong(m.group(2)) / 1024, Long.parseLong(m.group(1)) / 1024}
                : new long[] {-1, -1};
    }

    long heapUsedMb() {
        return heap()[0];
    }

    /** Heap used right after a full GC requested with jcmd GC.run: the live set. */
    double liveHeapMb() {
        jcmd("GC.run");
        return heap()[0];
    }

    private String jcmd(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
