package dev.unmask.train;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;
import dev.unmask.optim.Adam;
import dev.unmask.optim.LearningRateSchedule;
import dev.unmask.tensor.Tensor;

import java.util.Map;

/**
 * The small denoising task the trainer tests share: a two-layer conv net learns to remove Gaussian noise
 * drawn from the trainer's generator, with Adam, a warm-up + cosine schedule and norm clipping, so
 * every piece of state a checkpoint holds influences the result.
 */
final class TinyTraining {
    static final int IMAGES = 10;
    static final int SIZE = 8;
    static final int BATCH = 4;
    static final float NOISE = 0.3f;
    static final long TOTAL_STEPS = 40;

    final Sequential model;
    final Adam optimizer;
    final SyntheticBatches source;
    final Trainer.Builder<Tensor> builder;

    TinyTraining(long seed) {
        ParameterInit init = new ParameterInit(Backends.defaultBackend(), seed);
        model = new Sequential(new Conv2d(1, 4, 3, 1, 1, init), new ReLU(), new Conv2d(4, 1, 3, 1, 1, init));
        optimizer = new Adam(model.parameters(), 1e-2);
        source = new SyntheticBatches(IMAGES, SIZE, BATCH, seed + 1, seed + 2);
        builder = Trainer.<Tensor>builder()
                .model(model)
                .optimizer(optimizer)
                .schedule(LearningRateSchedule.cosineWithWarmup(1e-2, 5, TOTAL_STEPS, 1e-4))
                .clipNorm(1.0)
                .source(source)
                .loss(this::denoisingLoss)
                .seed(seed + 3);
    }

    /** Mean squared error of the model's reconstruction of the clean batch from a noisy copy. */
    Trainer.StepLoss denoisingLoss(Tensor clean, SplitMix64 random) {
        float[] noisy = clean.toFloatArray();
        for (int i = 0; i < noisy.length; i++) {
            // Irwin-Hall: the sum of 12 uniforms minus 6 is close to a standard normal
            double z = -6;
            for (int k = 0; k < 12; k++) {
                z += random.nextDouble();
            }
            noisy[i] += (float) (NOISE * z);
        }
        Variable input = Variable.constant(Backend.of(clean).fromFloats(noisy, clean.shape()));
        Variable loss = model.forward(input).sub(Variable.constant(clean)).square().mean();
        return new Trainer.StepLoss(loss, Map.of("rmse", Math.sqrt(loss.value().item())));
    }
}
