package io.relocator.worker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, as a person's browser would load a page: its DOM after loading, and a
 * screenshot. Installed by {@code .ci/run}; {@link #available} lets a test skip, saying why, where it is missing.
 */
public final class HeadlessChromium {

    private static final long TIMEOUT_S = 60;

    private HeadlessChromium() {
    }

    /** Whether {@code chromium} is on the PATH. */
    public static boolean available() {
        return find().isPresent();
    }

    /** The page's DOM, serialised after it loaded. */
    public static String dumpDom(String url) {
        return run(List.of("--dump-dom", url));
    }

    /** Writes a PNG of the page, {@code width} x {@code height}. */
    public static void screenshot(String url, Path png, int width, int height) {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot at " + png);
        }
    }

    private static String run(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(find().orElseThrow().toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + userDataDir()));
        command.addAll(arguments);
        try {
            Path out = Files.createTempFile("chromium", ".out");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish within " + TIMEOUT_S + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return text;
        } catch (IOException e) {
            throw new AssertionError("chromium could not be run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String userDataDir() {
        try {
            return Files.createTempDirectory("chromium-profile").toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }
}
