package dev.unmask;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.data.ImageFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The program the hostile-input tests run in a JVM with a small heap. It tries every input and prints one
 * line per attempt, {@code name TAB outcome TAB milliseconds TAB lines TAB length TAB message}, where the
 * outcome is {@code ok} or the simple name of what was thrown (an {@link OutOfMemoryError} included: the
 * parent test reports it) and lines and length describe the message.
 * <ul>
 *   <li>{@code load-bundle <file>...}: {@link LatentRestorationModel#load(Path, dev.unmask.backend.Backend)};</li>
 *   <li>{@code decode-whole <file>...}: {@link ImageFiles#read(Path, int, long)} with the default pixel limit;</li>
 *   <li>{@code detect <bundle> <file>...}: {@link Detector#detect(Path)} and {@link Detector#detect(byte[])}
 *       of the file's bytes (names {@code file[path]} and {@code file[bytes]}).</li>
 * </ul>
 */
public final class HostileInputs {
    private HostileInputs() {
    }

    /** One attempt as the child printed it. */
    record Outcome(String name, String outcome, long millis, int lines, int length, String message) {
        static Outcome parse(String line) {
            String[] f = line.split("\t", 6);
            return new Outcome(f[0], f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                    f.length > 5 ? f[5] : "");
        }

        /** Every line of the child's output that reports an attempt, by name. */
        static List<Outcome> all(String output) {
            return output.lines().filter(l -> l.split("\t").length >= 5).map(Outcome::parse).toList();
        }
    }

    private interface Attempt {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        switch (args[0]) {
            case "load-bundle" -> {
                ReferenceBackend backend = new ReferenceBackend();
                for (String f : rest) {
                    attempt(name(f), () -> LatentRestorationModel.load(Path.of(f), backend));
                }
            }
            case "decode-whole" -> {
                for (String f : rest) {
                    attempt(name(f), () -> ImageFiles.read(Path.of(f), 3, ImageFiles.DEFAULT_MAX_PIXELS));
                }
            }
            case "detect" -> {
                try (Detector detector = Detector.load(Path.of(rest.remove(0)), new ReferenceBackend())) {
                    for (String f : rest) {
                        attempt(name(f) + "[path]", () -> detector.detect(Path.of(f)));
                        attempt(name(f) + "[bytes]", () -> detector.detect(Files.readAllBytes(Path.of(f))));
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static String name(String file) {
        return Path.of(file).getFileName().toString();
    }

    private static void attempt(String name, Attempt attempt) {
        long start = System.nanoTime();
        String outcome = "ok";
        String message = "";
        try {
            attempt.run();
        } catch (Throwable t) {
            outcome = t.getClass().getSimpleName();
            message = String.valueOf(t.getMessage());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        int lines = (int) message.lines().count();
        String shown = message.replace("\r", "\\r").replace("\n", "\\n");
        System.out.println(name + "\t" + outcome + "\t" + millis + "\t" + lines + "\t" + message.length() + "\t"
                + shown.substring(0, Math.min(shown.length(), 2000)));
    }
}
