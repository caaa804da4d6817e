package dev.unmask.detectors.latent;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.models.pixelsnail.PixelSnail;
import dev.unmask.models.vqvae.VqVae;
import dev.unmask.models.vqvae.VqVaeOutput;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Module;
import dev.unmask.optim.Adam;
import dev.unmask.optim.LearningRateSchedule;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.ArrayBatches;
import dev.unmask.train.CheckpointStore;
import dev.unmask.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The latent-restoration training pipeline (Marimont and Tarroni): train the VQ-VAE on real images,
 * extract the code grid of every training image, train the PixelSNAIL prior on those grids, then
 * calibrate on held-out real images. Images are given as one array of {@code n * C * S * S} floats in
 * [-1, 1] (CHW per image, {@code S} the model's {@link LatentRestorationModel#imageSize()}).
 *
 * <p>Both trainings use Adam with a cosine schedule after a short warm-up and clip the gradient norm;
 * they resume from the newest checkpoint in their folder when one is given.
 */
public final class LatentRestorationTraining {
    /** Percentile of real sample scores used as the decision threshold by {@link #calibrate}. */
    public static final double THRESHOLD_PERCENT = 95;
    // the global gradient norm is clipped as in rosinality's prior training, which is unstable without it
    private static final double CLIP_NORM = 1.0;
    private static final double WARMUP_SHARE = 0.05;
    private static final double FINAL_RATE_SHARE = 0.05;
    private static final int INIT_IMAGES = 64;
    private static final String EMBED = "quantize.embed";
    private static final String EMBED_AVG = "quantize.embed_avg";
    private static final String CLUSTER_SIZE = "quantize.cluster_size";

    /**
     * How one model is trained.
     *
     * @param steps        optimizer steps
     * @param batchSize    samples per step
     * @param learningRate peak Adam learning rate
     * @param seed         seed of the shuffling
     * @param checkpoints  folder for checkpoints (resumed from), or null for none
     * @param checkpointEvery steps between checkpoints (ignored without a folder)
     * @param listener     progress reports
     */
    public record Settings(long steps, int batchSize, double learningRate, long seed, Path checkpoints,
                           long checkpointEvery, Trainer.Listener listener) {
        public Settings {
            if (steps < 1 || batchSize < 1 || !(learningRate > 0) || checkpointEvery < 1 || listener == null) {
                throw new IllegalArgumentException("training needs steps, batch size, learning rate and checkpoint "
                        + "period >= 1 and a listener; got steps " + steps + ", batch " + batchSize + ", rate "
                        + learningRate + ", every " + checkpointEvery);
            }
        }

        /** No checkpoints. */
        public static Settings of(long steps, int batchSize, double learningRate, long seed, Trainer.Listener listener) {
            return new Settings(steps, batchSize, learningRate, seed, null, steps, listener);
        }

        LearningRateSchedule schedule() {
            long warmup = Math.max(1, (long) (steps * WARMUP_SHARE));
            return warmup >= steps ? LearningRateSchedule.constant(learningRate)
                    : LearningRateSchedule.cosineWithWarmup(learningRate, warmup, steps, learningRate * FINAL_RATE_SHARE);
        }
    }

    private LatentRestorationTraining() {
    }

    /**
     * Trains {@code vqvae} on {@code images} (n * C * S * S values) for {@code settings.steps()} steps. A fresh
     * run (no checkpoint to resume) first sets the codebook from the data ({@link #initialiseCodebook}).
     */
    public static void trainVqVae(VqVae vqvae, float[] images, int size, Settings settings) throws IOException {
        int channels = vqvae.config().inChannel();
        Backend backend = Trainer.backendOf(vqvae);
        initialiseCodebook(vqvae, images, size, settings.seed());
        ArrayBatches batches = ArrayBatches.ofFloats(images, new int[] {channels, size, size}, settings.batchSize(),
                settings.seed(), backend);
        Trainer.Builder<Tensor> builder = Trainer.<Tensor>builder()
                .model(vqvae)
                .optimizer(new Adam(vqvae.parameters(), settings.learningRate()))
                .schedule(settings.schedule())
                .clipNorm(CLIP_NORM)
                .source(batches)
                .seed(settings.seed())
                .listener(settings.listener())
                .loss((batch, random) -> {
                    VqVaeOutput out = vqvae.forward(batch);
                    return new Trainer.StepLoss(out.loss(), Map.of("perplexity", out.perplexity(),
                            "recon", (double) out.reconstructionLoss().value().item()));
                });
        run(builder, settings);
    }

    /**
     * Sets every code vector to the encoder's output at a random position of a random image (and, in EMA
     * mode, the code sums to the same vectors with the cluster sizes left at 1). The N(0, 1) codebook of
     * rosinality's initialisation lies far from the small encoder outputs of a fresh model, so one code
     * wins every position and the codebook collapses; codes drawn from the data start in use.
     */
    public static void initialiseCodebook(VqVae vqvae, float[] images, int size, long seed) {
        int channels = vqvae.config().inChannel();
        int per = channels * size * size;
        int n = images.length / per;
        int codes = vqvae.config().codes();
        int dim = vqvae.config().embedDim();
        SplittableRandom random = new SplittableRandom(seed);
        int count = Math.min(n, Math.max(1, Math.min(INIT_IMAGES, codes)));
        float[] chunk = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, random.nextInt(n) * per, chunk, i * per, per);
        }
        float[] z;
        int positions;
        try (NoGrad scope = NoGrad.enter()) {
            Layer encoder = (Layer) vqvae.children().get("enc");
            Layer toLatent = (Layer) vqvae.children().get("quantize_conv");
            Tensor latent = toLatent.forward(encoder.forward(Variable.constant(Trainer.backendOf(vqvae)
                    .fromFloats(chunk, Shape.of(count, channels, size, size))))).value();
            z = latent.toFloatArray();
            positions = latent.dim(2) * latent.dim(3);
        }
        float[] embed = new float[dim * codes];
        for (int k = 0; k < codes; k++) {
            int image = random.nextInt(count);
            int position = random.nextInt(positions);
            for (int d = 0; d < dim; d++) {
                embed[d * codes + k] = z[(image * dim + d) * positions + position];
            }
        }
        Map<String, Tensor> state = new LinkedHashMap<>(vqvae.stateDict());
        Backend backend = Trainer.backendOf(vqvae);
        Tensor table = backend.fromFloats(embed, Shape.of(dim, codes));
        state.put(EMBED, table);
        if (state.containsKey(EMBED_AVG)) {
            state.put(EMBED_AVG, backend.fromFloats(embed.clone(), Shape.of(dim, codes)));
            state.put(CLUSTER_SIZE, backend.fromFloats(filled(codes, 1f), Shape.of(codes)));
        }
        vqvae.loadStateDict(state);
    }

    private static float[] filled(int length, float value) {
        float[] out = new float[length];
        Arrays.fill(out, value);
        return out;
    }

    /** The code grids I32 of every image, n * h * w values, computed {@code batchSize} images at a time. */
    public static int[] extractCodes(VqVae vqvae, float[] images, int size, int batchSize) {
        int channels = vqvae.config().inChannel();
        int per = channels * size * size;
        int n = images.length / per;
        vqvae.eval();
        Backend backend = Trainer.backendOf(vqvae);
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            float[] chunk = new float[count * per];
            System.arraycopy(images, start * per, chunk, 0, chunk.length);
            int[] codes = vqvae.encode(backend.fromFloats(chunk, Shape.of(count, channels, size, size)))
                    .toIntArray();
            parts.add(codes);
            total += codes.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Trains {@code prior} on code grids (n * h * w values) to minimise the mean per-latent NLL. */
    public static void trainPrior(PixelSnail prior, int[] codes, Settings settings) throws IOException {
        int h = prior.config().height();
        int w = prior.config().width();
        ArrayBatches batches = ArrayBatches.ofInts(codes, new int[] {h, w}, settings.batchSize(), settings.seed(),
                Trainer.backendOf(prior));
        Trainer.Builder<Tensor> builder = Trainer.<Tensor>builder()
                .model(prior)
                .optimizer(new Adam(prior.parameters(), settings.learningRate()))
                .schedule(settings.schedule())
                .clipNorm(CLIP_NORM)
                .source(batches)
                .seed(settings.seed())
                .listener(settings.listener())
                .loss((batch, random) -> Trainer.StepLoss.of(prior.nll(batch).mean()));
        run(builder, settings);
    }

    private static void run(Trainer.Builder<Tensor> builder, Settings settings) throws IOException {
        if (settings.checkpoints() != null) {
            builder.checkpoints(CheckpointStore.open(settings.checkpoints(), 2), settings.checkpointEvery());
        }
        Trainer<Tensor> trainer = builder.build();
        if (settings.checkpoints() != null) {
            trainer.resumeLatest();
        }
        trainer.run(settings.steps());
    }

    /**
     * Calibrates on held-out real images (n * C * S * S values): lambdaS and lambdaP are the 98th and 90th
     * percentiles of their per-latent NLL, the decision threshold the {@value #THRESHOLD_PERCENT}th
     * percentile of their sample scores. Stores the result in {@code model} and returns it.
     */
    public static Calibration calibrate(LatentRestorationModel model, float[] realImages, int batchSize) {
        int channels = model.channels();
        int size = model.imageSize();
        int per = channels * size * size;
        int n = realImages.length / per;
        if (n == 0 || realImages.length % per != 0) {
            throw new IllegalArgumentException("calibration needs whole images of " + per + " values, got "
                    + realImages.length);
        }
        LatentAnomalyScorer scorer = model.scorer(RestorationSettings.DEFAULTS);
        List<Tensor> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            float[] chunk = new float[count * per];
            System.arraycopy(realImages, start * per, chunk, 0, chunk.length);
            batches.add(model.backend().fromFloats(chunk, Shape.of(count, channels, size, size)));
        }
        Calibration calibration = scorer.calibrate(batches, LatentThresholds.SAMPLE_PERCENT,
                LatentThresholds.RESTORATION_PERCENT, THRESHOLD_PERCENT);
        model.setCalibration(calibration);
        return calibration;
    }
}
