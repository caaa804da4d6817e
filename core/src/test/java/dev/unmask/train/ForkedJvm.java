package dev.unmask.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link TrainingChild} in a new JVM with this test's class path and the same java binary. */
final class ForkedJvm {
    private ForkedJvm() {
    }

    static Process start(Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: a child lives a few seconds, so start-up cost dominates on a
        // busy machine; Java floating point does not depend on the JIT tier
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), TrainingChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs the child to completion, failing with its output when it exits non-zero. */
    static void run(Path log, String... args) throws IOException, InterruptedException {
        Process p = start(log, args);
        int exit = p.waitFor();
        if (exit != 0) {
            throw new AssertionError("child " + List.of(args) + " exited with " + exit + ":\n"
                    + Files.readString(log));
        }
    }
}
