package dev.unmask.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a test program's {@code main} in a new JVM with this test's class path and the same java binary:
 * the honest check for a heap limit ({@code -Xmx256m}) or for a process that is killed.
 */
public final class ForkedJvm {
    private ForkedJvm() {
    }

    /** Starts {@code mainClass} with extra JVM options ({@code -Dunmask.threads=3}, {@code -Xmx256m}). */
    public static Process start(Path log, List<String> jvmOptions, Class<?> mainClass, String... args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: a child lives a few seconds, so start-up cost dominates on a
        // busy machine; the CPU kernels give the same bits at every JIT tier
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs the child to completion and returns its output, failing with that output when it exits non-zero. */
    public static String run(Path log, List<String> jvmOptions, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        Process p = start(log, jvmOptions, mainClass, args);
        int exit = p.waitFor();
        String output = Files.readString(log);
        if (exit != 0) {
            throw new AssertionError("child " + mainClass.getSimpleName() + " " + List.of(args) + " exited with "
                    + exit + ":\n" + output);
        }
        return output;
    }
}
