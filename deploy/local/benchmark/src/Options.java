import java.util.HashMap;
import java.util.Map;

/** The key=value arguments run-benchmark.sh passes after the mode (an argument without '=' is ignored). */
final class Options {

    private final Map<String, String> values = new HashMap<>();

    private Options() {
    }

    static Options parse(String[] args) {
        Options options = new Options();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq >= 0) {
                options.values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        return options;
    }

    /** A value the mode cannot do without. */
    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }

    /** A value that may be left out (a process id the CPU figures skip when absent). */
    String orNull(String key) {
        return values.get(key);
    }

    int getInt(String key, int def) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : def;
    }
}
