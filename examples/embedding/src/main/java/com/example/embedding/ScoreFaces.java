package com.example.embedding;

import dev.unmask.Detection;
import dev.unmask.Detector;
import dev.unmask.data.ImageFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scores the face images under the folders given on the command line with the pretrained Meso-4 (DeepFake)
 * detector that ships inside unmask-core, and prints one line per image.
 */
public final class ScoreFaces {
    public static void main(String[] args) throws IOException {
        try (Detector detector = Detector.pretrained("meso4-df")) {
            for (String arg : args) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(Path.of(arg))) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    try {
                        Detection d = detector.detect(file);
                        System.out.printf("%s: %s (fake probability %.4f)%n", file, d.fake() ? "fake" : "real",
                                d.normalisedScore());
                    } catch (ImageFileException e) {
                        System.out.println(file + ": skipped, " + e.getMessage());
                    }
                }
            }
        }
    }
}
