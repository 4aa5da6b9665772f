package io.relocator.worker.testing;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Property checks over generated input, for plain unit tests: a property is checked on many samples drawn from a
 * seeded random source, and a failure names the seed, the sample's number and the sample, so that
 * {@code -Dsamples.seed=<seed>} draws the same samples again. (A hand-made stand-in for a property-based testing
 * library: no shrinking, so generators keep their samples small where they can.) The generators below build what a
 * careless or hostile producer might send: any characters, control characters, lone surrogates, long strings.
 */
public final class RandomSamples {

    private static final long SEED = Long.getLong("samples.seed", System.nanoTime());

    private RandomSamples() {
    }

    /** Checks {@code property} on {@code tries} samples; rethrows its first failure with what reproduces it. */
    public static <T> void check(int tries, Function<SplittableRandom, T> sample, Consumer<T> property) {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < tries; i++) {
            T value = sample.apply(random);
            try {
                property.accept(value);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed on sample " + i + " of seed " + SEED + " (-Dsamples.seed=" + SEED
                        + "): " + shown(value), e);
            }
        }
    }

    /** One of the given generators, picked at random. */
    @SafeVarargs
    public static <T> T oneOf(SplittableRandom random, Function<SplittableRandom, T>... generators) {
        return generators[random.nextInt(generators.length)].apply(random);
    }

    public static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Any bytes, up to {@code maxLength} of them. */
    public static byte[] bytes(SplittableRandom random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Characters of any of the 65,536 code units, lone surrogates included. */
    public static String anyChars(SplittableRandom random, int minLength, int maxLength) {
        StringBuilder text = new StringBuilder();
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(Character.MAX_VALUE + 1));
        }
        return text.toString();
    }

    /** Characters drawn from {@code alphabet} only. */
    public static String charsOf(SplittableRandom random, String alphabet, int maxLength) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** What hostile text looks like: any characters, control characters and line separators, emoji, long runs. */
    public static String hostileText(SplittableRandom random) {
        return oneOf(random,
                r -> anyChars(r, 0, 300),
                r -> charsOf(r, "\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f\u0085\u2028\u2029\ufeff"
                        + "\ud83d\ude00\ud800a\"\\", 40),
                r -> anyChars(r, 250, 2000),
                r -> "\ud83d\ude00".repeat(r.nextInt(300)));
    }

    private static String shown(Object value) {
        String text = value instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : String.valueOf(value);
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " characters)";
    }
}
