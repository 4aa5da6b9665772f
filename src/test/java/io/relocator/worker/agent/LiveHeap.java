package io.relocator.worker.agent;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * The live set of this JVM, read the way {@code jcmd <pid> GC.class_histogram} reads it: through the JVM's own
 * diagnostic command, which runs a full GC and then sums the bytes of every object still reachable. A reading that is
 * not a positive number no larger than the maximum heap throws, so a broken probe can never pass for a small heap.
 */
final class LiveHeap {

    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    private LiveHeap() {
    }

    /** Bytes of reachable objects after a full GC; runs on the calling thread (the GC stops every thread). */
    static long bytes() {
        String histogram = histogram();
        Matcher total = TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("GC.class_histogram has no Total line: "
                    + histogram.substring(Math.max(0, histogram.length() - 300)));
        }
        long bytes = Long.parseLong(total.group(2));
        long max = Runtime.getRuntime().maxMemory();
        if (bytes <= 0 || bytes > max) {
            throw new IllegalStateException("GC.class_histogram gave a live set of " + bytes
                    + " bytes, not within (0, " + max + "]: the probe is broken, not the heap small");
        }
        return bytes;
    }

    private static String histogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("GC.class_histogram could not run", e);
        }
    }
}
