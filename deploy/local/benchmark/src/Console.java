import java.time.Instant;
import java.util.Locale;

/**
 * What the benchmark prints. "RESULT key=value" lines on stdout are the only output that counts: run-benchmark.sh
 * keeps them (without the prefix) in the scenario's results file, which ReportWriter reads back. Progress goes to
 * stderr, which the script appends to target/benchmark/bench.log.
 */
final class Console {

    private Console() {
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }

    /**
     * A figure that could not be measured: "key=ERROR reason" in the results, so that no report can show a made-up
     * number (a -1, a 0) in its place; also logged.
     */
    static void failed(String key, String reason) {
        String line = reason.replaceAll("\\s+", " ").trim();
        log("%s could not be measured: %s", key, line);
        result(key, "ERROR " + line);
    }

    /** A figure, or its ERROR line when {@code error} is not null. */
    static void figure(String key, Object value, String error) {
        if (error != null) {
            failed(key, error);
        } else {
            result(key, value);
        }
    }

    /** A figure with that many decimals and a dot whatever the default locale, so the report can parse it back. */
    static String decimals(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
    }
}
