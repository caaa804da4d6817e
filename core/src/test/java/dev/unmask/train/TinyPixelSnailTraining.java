package dev.unmask.train;

import dev.unmask.backend.Backends;
import dev.unmask.models.pixelsnail.PixelSnail;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.nn.ParameterInit;
import dev.unmask.optim.Adam;
import dev.unmask.optim.LearningRateSchedule;
import dev.unmask.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * A tiny PixelSNAIL prior with dropout 0.1 in every gated block, trained on random 4 x 4 code grids with
 * Adam, a warm-up + cosine schedule and norm clipping: the resume tests' model whose steps depend on
 * dropout masks.
 */
final class TinyPixelSnailTraining {
    static final PixelSnailConfig CONFIG = new PixelSnailConfig(4, 4, 8, 8, 3, 1, 1, 8, true, 0.1, 2);
    static final int GRIDS = 12;
    static final int BATCH = 4;

    final PixelSnail model;
    final Trainer.Builder<Tensor> builder;

    TinyPixelSnailTraining(long seed) {
        model = new PixelSnail(CONFIG, new ParameterInit(Backends.defaultBackend(), seed));
        SplitMix64 data = SplitMix64.seeded(seed + 1);
        int[] codes = new int[GRIDS * CONFIG.height() * CONFIG.width()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = data.nextInt(CONFIG.classes());
        }
        ArrayBatches source = ArrayBatches.ofInts(codes, new int[] {CONFIG.height(), CONFIG.width()}, BATCH, seed + 2,
                Backends.defaultBackend());
        Adam optimizer = new Adam(model.parameters(), 1e-2);
        builder = Trainer.<Tensor>builder()
                .model(model)
                .optimizer(optimizer)
                .schedule(LearningRateSchedule.cosineWithWarmup(1e-2, 5, TinyTraining.TOTAL_STEPS, 1e-4))
                .clipNorm(1.0)
                .source(source)
                .loss((batch, random) -> Trainer.StepLoss.of(model.nll(batch).mean()))
                .seed(seed + 3);
    }
}
