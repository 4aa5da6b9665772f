import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker JVM seen from outside, so that measuring adds nothing to it: /proc for its threads, jcmd for its heap.
 * A heap figure that cannot be read, or that is not a positive number within the worker's maximum heap, is a
 * {@link ProbeFailed} naming what jcmd said, never a number: the scenarios print it as an ERROR result.
 */
final class WorkerProbe {

    /**
     * G1's line of jcmd GC.heap_info: JDK 17 prints "total 262144K, used 12345K" (total being the committed heap),
     * JDK 21 and later "total reserved 524288K, committed 65536K, used 2190K". Group 1 is committed, group 2 used.
     */
    private static final Pattern G1_HEAP = Pattern.compile("total (?:reserved \\d+K, committed )?(\\d+)K, used (\\d+)K");
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");

    private final long pid;
    private long maxHeapKb;

    WorkerProbe(long pid) {
        this.pid = pid;
    }

    /** A heap figure that could not be read or is not believable; its message says which and why. */
    static final class ProbeFailed extends RuntimeException {
        ProbeFailed(String message) {
            super(message);
        }
    }

    /** The heap in use and committed, in MB. */
    record Heap(long usedMb, long committedMb) {
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

    /** {@code used} and committed heap from jcmd GC.heap_info; throws {@link ProbeFailed}. */
    Heap heap() {
        String out = jcmd("GC.heap_info");
        Matcher m = G1_HEAP.matcher(out);
        if (!m.find()) {
            throw new ProbeFailed("jcmd GC.heap_info: no G1 heap line in " + oneLine(out));
        }
        long committedKb = Long.parseLong(m.group(1));
        long usedKb = Long.parseLong(m.group(2));
        long maxKb = maxHeapKb();
        if (usedKb <= 0 || usedKb > maxKb || committedKb > maxKb) {
            throw new ProbeFailed("jcmd GC.heap_info: used " + usedKb + "K, committed " + committedKb
                    + "K, not within (0, " + maxKb + "K] (MaxHeapSize)");
        }
        return new Heap(usedKb / 1024, committedKb / 1024);
    }

    /** Heap used right after a full GC requested with jcmd GC.run: the live set, in MB; throws {@link ProbeFailed}. */
    double liveHeapMb() {
        String out = jcmd("GC.run");
        if (!out.contains("Command executed successfully")) {
            throw new ProbeFailed("jcmd GC.run: " + oneLine(out));
        }
        String info = jcmd("GC.heap_info");
        Matcher m = G1_HEAP.matcher(info);
        if (!m.find()) {
            throw new ProbeFailed("jcmd GC.heap_info after GC.run: no G1 heap line in " + oneLine(info));
        }
        long usedKb = Long.parseLong(m.group(2));
        long maxKb = maxHeapKb();
        if (usedKb <= 0 || usedKb > maxKb) {
            throw new ProbeFailed("live set of " + usedKb + "K after GC.run, not within (0, " + maxKb + "K]");
        }
        return usedKb / 1024.0;
    }

    /** jcmd GC.class_histogram (live objects, after a full GC), as jcmd prints it. */
    String classHistogram() {
        String out = jcmd("GC.class_histogram");
        if (!out.contains("Total")) {
            throw new ProbeFailed("jcmd GC.class_histogram: " + oneLine(out));
        }
        return out;
    }

    /** -XX:MaxHeapSize of the worker (jcmd VM.flags), read once. */
    private synchronized long maxHeapKb() {
        if (maxHeapKb == 0) {
            String out = jcmd("VM.flags");
            Matcher m = MAX_HEAP.matcher(out);
            if (!m.find()) {
                throw new ProbeFailed("jcmd VM.flags: no MaxHeapSize in " + oneLine(out));
            }
            maxHeapKb = Long.parseLong(m.group(1)) / 1024;
        }
        return maxHeapKb;
    }

    private String jcmd(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ProbeFailed("jcmd " + command + " did not end within 30 s");
            }
            return out;
        } catch (IOException e) {
            throw new ProbeFailed("jcmd " + command + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeFailed("jcmd " + command + " interrupted");
        }
    }

    /** jcmd's answer on one line, at most 300 characters: it goes into a results file. */
    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.isEmpty() ? "(nothing)" : line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
