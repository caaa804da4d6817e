package dev.unmask.examples.cli;

import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.train.Trainer;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What the command-line tests share: a tiny calibrated bundle and a folder of face images. */
final class CliFixtures {
    static final int SIZE = 16;

    private CliFixtures() {
    }

    /** A tiny model trained a few steps on 16x16 faces and calibrated, saved as {@code dir/tiny.safetensors}. */
    static Path tinyBundle(Path dir) throws IOException {
        LatentRestorationModel model = LatentRestorationModel.create(VqVaeConfig.of(3, 8, 1, 4, 4, 16, 4),
                new PixelSnailConfig(4, 4, 16, 8, 3, 1, 1, 8, true, 0.0, 2), 3);
        SynthFaces faces = new SynthFaces(3, SIZE, 1.0);
        int per = 3 * SIZE * SIZE;
        float[] train = new float[48 * per];
        for (int i = 0; i < 48; i++) {
            System.arraycopy(faces.face(i).data(), 0, train, i * per, per);
        }
        Trainer.Listener quiet = new Trainer.Listener() {
        };
        LatentRestorationTraining.trainVqVae(model.vqvae(), Arrays.copyOf(train, 32 * per), SIZE,
                LatentRestorationTraining.Settings.of(5, 8, 2e-3, 3, quiet));
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, SIZE, 16);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes, LatentRestorationTraining.Settings.of(5, 8, 2e-3, 3, quiet));
        LatentRestorationTraining.calibrate(model, Arrays.copyOfRange(train, 32 * per, train.length), 8);
        Path bundle = dir.resolve("tiny.safetensors");
        model.save(bundle);
        return bundle;
    }

    /** {@code dir/images}: two real and two manipulated PNGs (two in {@code sub/}) and a text file. */
    static Path images(Path dir) throws IOException {
        SynthFaces faces = new SynthFaces(3, SIZE, 1.0);
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        ImageIO.write(ImageOps.toBufferedImage(faces.face(100)), "png", images.resolve("a-real.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.sample(101).image()), "png", images.resolve("b-fake.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.face(102)), "png", images.resolve("sub/c-real.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.sample(103).image()), "png", images.resolve("sub/d-fake.png").toFile());
        Files.writeString(images.resolve("notes.txt"), "not an image");
        return images;
    }
}
