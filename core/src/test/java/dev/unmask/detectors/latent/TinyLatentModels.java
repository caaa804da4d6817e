package dev.unmask.detectors.latent;

import dev.unmask.data.SynthFaces;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.train.Trainer;

import java.io.IOException;

/** A tiny, briefly trained and calibrated latent-restoration model on 16x16 synthetic faces, for tests. */
public final class TinyLatentModels {
    public static final int SIZE = 16;
    private static final int PER = 3 * SIZE * SIZE;

    private TinyLatentModels() {
    }

    public static VqVaeConfig vqvaeConfig() {
        return VqVaeConfig.of(3, 8, 1, 4, 4, 16, 4);
    }

    public static PixelSnailConfig priorConfig() {
        return new PixelSnailConfig(4, 4, 16, 8, 3, 1, 1, 8, true, 0.0, 2);
    }

    /** The first {@code count} real faces from {@code first}, as one array. */
    public static float[] faces(long seed, int first, int count) {
        SynthFaces faces = new SynthFaces(seed, SIZE, 0);
        float[] out = new float[count * PER];
        for (int i = 0; i < count; i++) {
            System.arraycopy(faces.face(first + i).data(), 0, out, i * PER, PER);
        }
        return out;
    }

    /** Trained a few steps and calibrated on 16 held-out faces; deterministic in {@code seed}. */
    public static LatentRestorationModel trained(long seed) throws IOException {
        LatentRestorationModel model = LatentRestorationModel.create(vqvaeConfig(), priorConfig(), seed);
        float[] train = faces(seed, 0, 32);
        Trainer.Listener quiet = new Trainer.Listener() {
        };
        LatentRestorationTraining.trainVqVae(model.vqvae(), train, SIZE,
                LatentRestorationTraining.Settings.of(10, 8, 2e-3, seed, quiet));
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, SIZE, 16);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes,
                LatentRestorationTraining.Settings.of(10, 8, 2e-3, seed, quiet));
        LatentRestorationTraining.calibrate(model, faces(seed, 32, 16), 8);
        return model;
    }
}
