import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top CPU and allocation sites of a JFR recording (run-benchmark.sh with BENCH_JFR=1 records the worker):
 * execution samples by the method on top of the stack and by its package (three segments), allocation samples
 * ({@code jdk.ObjectAllocationSample}, by their weight in bytes) by the allocating method and by the class allocated.
 * Usage: {@code java -cp <classes> JfrTop <file.jfr> [top]}.
 */
final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        List<RecordedEvent> cpu = events.stream().filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample"))
                .toList();
        List<RecordedEvent> alloc = events.stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ObjectAllocationSample")).toList();
        System.out.printf("%s: %d execution samples, %d allocation samples%n", args[0], cpu.size(), alloc.size());
        print("CPU, method on top of the stack (share of samples)", tally(cpu, JfrTop::topMethod, e -> 1), top);
        print("CPU, package on top of the stack", tally(cpu, e -> packageOf(topMethod(e)), e -> 1), top);
        print("Allocation, allocating method (share of sampled bytes)", tally(alloc, JfrTop::topMethod,
                e -> e.getLong("weight")), top);
        print("Allocation, class allocated", tally(alloc, e -> e.getClass("objectClass").getName(),
                e -> e.getLong("weight")), top);
    }

    private static Map<String, Long> tally(List<RecordedEvent> events, java.util.function.Function<RecordedEvent,
            String> key, ToLongFunction<RecordedEvent> weight) {
        Map<String, Long> sums = new HashMap<>();
        for (RecordedEvent e : events) {
            sums.merge(key.apply(e), weight.applyAsLong(e), Long::sum);
        }
        return sums;
    }

    private static void print(String title, Map<String, Long> sums, int top) {
        long total = sums.values().stream().mapToLong(Long::longValue).sum();
        System.out.println();
        System.out.println(title + ":");
        sums.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("  %5.1f %%  %s%n", 100.0 * en.getValue() / Math.max(1, total),
                        en.getKey()));
    }

    private static String topMethod(RecordedEvent e) {
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return "(no stack)";
        }
        RecordedFrame frame = stack.getFrames().get(0);
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String packageOf(String method) {
        String[] parts = method.split("\\.");
        StringBuilder pkg = new StringBuilder();
        for (int i = 0; i < Math.min(3, parts.length - 2); i++) {
            pkg.append(i > 0 ? "." : "").append(parts[i]);
        }
        return pkg.length() == 0 ? method : pkg.toString();
    }
}
