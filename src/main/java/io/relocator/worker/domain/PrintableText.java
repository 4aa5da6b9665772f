package io.relocator.worker.domain;

/**
 * Untrusted text (a record's bytes as a parser quoted them, a key of a hostile request, an exception message) made
 * fit for a log line or a Kafka header: printable ASCII only, every other character written as {@code \}{@code uXXXX},
 * and cut to a bound. So no CR/LF forges a log line and no control or non-ASCII character reaches a header.
 */
public final class PrintableText {

    private static final String CUT = "...";

    private PrintableText() {
    }

    /** @param limit the most characters the result may have (at least 8) */
    public static String of(String text, int limit) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 8);
        int fits = 0; // the length of the longest whole-piece prefix that leaves room for the cut mark
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isPrintable(c)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
            if (out.length() > limit) {
                return out.substring(0, fits) + CUT;
            }
            if (out.length() <= limit - CUT.length()) {
                fits = out.length();
            }
        }
        return out.toString();
    }

    /** True when every character of {@code text} is printable ASCII (space to tilde). */
    public static boolean isPrintable(String text) {
        return text.chars().allMatch(c -> isPrintable((char) c));
    }

    private static boolean isPrintable(char c) {
        return c >= 0x20 && c <= 0x7e;
    }
}
