package dev.unmask.models.mesonet;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.io.keras.KerasWeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run by {@link HostileWeightFilesTest} in a JVM with a small heap: loads every file of a folder (sorted by
 * name) and prints one line for each, {@code OK <file>}, {@code REJECTED <message>} for a
 * {@link KerasWeightsException}, or {@code FAILED <file> <throwable>} for anything else, then goes on.
 */
public final class HostileWeightsChild {
    private HostileWeightsChild() {
    }

    public static void main(String[] args) throws IOException {
        Backend backend = Backends.create("cpu");
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(args[0]))) {
            files = listing.sorted().toList();
        }
        for (Path file : files) {
            String line;
            try {
                MesoNetWeights.load(file, backend);
                line = "OK " + file;
            } catch (KerasWeightsException e) {
                line = "REJECTED " + e.getMessage();
            } catch (Throwable e) {
                line = "FAILED " + file + " " + e;
            }
            System.out.println(line);
            System.out.flush();
        }
    }
}
