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
        return start(log, List.of(), args);
    }

    /** As {@link #start(Path, String...)}, with extra JVM options ({@code -Dunmask.threads=3}). */
    static Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: a child lives a few seconds, so start-up cost dominates on a
        // busy machine; the CPU kernels give the same bits at every JIT tier
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainingChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs the child to completion, failing with its output when it exits non-zero. */
    static void run(Path log, String... args) throws IOException, InterruptedException {
        run(log, List.of(), args);
    }

    /** As {@link #run(Path, String...)}, with extra JVM options. */
    static void run(Path log, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Process p = start(log, jvmOptions, args);
        int exit = p.waitFor();
        if (exit != 0) {
            throw new AssertionError("child " + List.of(args) + " exited with " + exit + ":\n"
                    + Files.readString(log));
        }
    }
}
