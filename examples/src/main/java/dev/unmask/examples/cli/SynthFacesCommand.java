package dev.unmask.examples.cli;

import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.data.SynthSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Writes synthetic faces as PNG files in the folder layout {@code evaluate} and {@code train --data} read:
 * {@code DIR/real/NNNNN.png} and {@code DIR/fake/MANIPULATION/NNNNN.png}, so that every detector can be trained
 * and evaluated on the same images.
 */
@Command(name = "synth-faces", mixinStandardHelpOptions = true,
        description = "Write synthetic faces, real and manipulated, as DIR/real/*.png and DIR/fake/METHOD/*.png.")
final class SynthFacesCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, required = true, description = "folder to write")
    Path output;

    @Option(names = "--count", description = "faces to write (default: ${DEFAULT-VALUE})")
    int count = 512;

    @Option(names = "--size", description = "side in pixels (default: ${DEFAULT-VALUE})")
    int size = 64;

    @Option(names = "--seed", description = "seed of the faces and manipulations (default: ${DEFAULT-VALUE})")
    long seed = 99;

    @Option(names = "--fake-share", description = "share of manipulated faces (default: ${DEFAULT-VALUE})")
    double fakeShare = 0.5;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        }
        SynthFaces faces = new SynthFaces(seed, size, fakeShare);
        int fakes = 0;
        for (int i = 0; i < count; i++) {
            SynthSample sample = faces.sample(i);
            Path folder = sample.fake()
                    ? output.resolve("fake").resolve(sample.manipulation().name().toLowerCase(Locale.ROOT))
                    : output.resolve("real");
            Files.createDirectories(folder);
            Path file = folder.resolve(String.format(Locale.ROOT, "%05d.png", i));
            if (!ImageIO.write(ImageOps.toBufferedImage(sample.image()), "png", file.toFile())) {
                throw new IOException(file + ": no PNG writer");
            }
            fakes += sample.fake() ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "wrote %d real and %d manipulated %dx%d faces to %s%n", count - fakes, fakes,
                size, size, output);
        return 0;
    }
}
