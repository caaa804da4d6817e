package dev.unmask.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Checks on output paths shared by the commands that write files. */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Refuses {@code output} when it is one of {@code protectedFiles} (the inputs, the model): a typo must never
     * destroy the model.
     */
    static void refuseOverwriting(Path output, List<Path> protectedFiles) throws IOException {
        if (!Files.exists(output)) {
            return;
        }
        for (Path p : protectedFiles) {
            if (Files.exists(p) && Files.isSameFile(output, p)) {
                throw new IllegalArgumentException("refusing to write the output over " + p
                        + ", which is an input or the model");
            }
        }
    }

    /** Creates the parent folders of {@code file}. */
    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
