package dev.unmask.detectors.latent;

import dev.unmask.autograd.NoGrad;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latent-restoration anomaly scoring of images, end to end: encode to codes, then the {@link SampleScore}
 * (one prior pass) or the restoration {@link PixelScoreMap} ({@link RestorationScorer}, the fastest schedule
 * the prior supports ({@link RestorationSchedule#fastest}),
 * image keys derived from the codes), plus calibration on held-out real images.
 *
 * <p>Instances hold no mutable state; they are as thread-safe as the models they wrap.
 */
public final class LatentAnomalyScorer {
    private final CodeEncoder encoder;
    private final CodePrior prior;
    private final RestorationScorer restorer;

    public LatentAnomalyScorer(CodeEncoder encoder, CodePrior prior, CodeDecoder decoder, RestorationSettings settings) {
        if (encoder == null) {
            throw new IllegalArgumentException("encoder is null");
        }
        this.encoder = encoder;
        this.prior = prior;
        this.restorer = new RestorationScorer(prior, decoder, settings);
    }

    /** The codes of a batch of images [B, C, H, W]: I32 [B, h, w]. */
    public Tensor encode(Tensor images) {
        try (NoGrad scope = NoGrad.enter()) {
            return encoder.encode(images);
        }
    }

    /** Per-latent NLL of a batch of images, B * h * w values ({@link LatentNll}). */
    public double[] latentNll(Tensor images) {
        return LatentNll.of(prior, encode(images));
    }

    /** The sample score of each image of a batch [B, C, H, W]. */
    public double[] sampleScores(Tensor images, double lambdaS) {
        return SampleScore.of(prior, encode(images), lambdaS);
    }

    /** The pixel score maps F32 [B, 1, H, W] of a batch of images [B, C, H, W]. */
    public Tensor pixelScores(Tensor images, double lambdaP) {
        return restorer.pixelScores(images, encode(images), lambdaP);
    }

    /**
     * Calibrates on batches of held-out real images: lambdaS and lambdaP are the {@code samplePercent}-th
     * and {@code restorationPercent}-th percentiles of all their per-latent NLL values; the decision threshold
     * is the {@code thresholdPercent}-th percentile of their sample scores, to which the normaliser is fitted.
     * One prior pass per batch.
     */
    public Calibration calibrate(Iterable<Tensor> realBatches, double samplePercent, double restorationPercent,
                                 double thresholdPercent) {
        RealStatistics real = realStatistics(realBatches, samplePercent, restorationPercent);
        double[] scores = real.sampleScores();
        DecisionThreshold threshold = DecisionThreshold.percentileOfReal(scores, new boolean[scores.length], thresholdPercent);
        return Calibration.fit(real.latent(), threshold, scores);
    }

    /**
     * The latent thresholds of {@link #calibrate} and the sample scores of the real images under them, for a
     * caller that chooses the decision threshold another way (by hand, or F1-max on a labelled set).
     *
     * @param latent       lambdaS and lambdaP, the percentiles of all per-latent NLL values
     * @param sampleScores one sample score per real image, in batch order
     */
    public record RealStatistics(LatentThresholds latent, double[] sampleScores) {
    }

    /** lambdaS, lambdaP and the real sample scores of {@link #calibrate}: one prior pass per batch. */
    public RealStatistics realStatistics(Iterable<Tensor> realBatches, double samplePercent, double restorationPercent) {
        List<double[]> nllPerBatch = new ArrayList<>();
        List<Integer> positionsPerBatch = new ArrayList<>();
        for (Tensor batch : realBatches) {
            Tensor codes = encode(batch);
            nllPerBatch.add(LatentNll.of(prior, codes));
            positionsPerBatch.add(codes.dim(1) * codes.dim(2));
        }
        if (nllPerBatch.isEmpty()) {
            throw new IllegalArgumentException("no real images to calibrate on");
        }
        LatentThresholds latent = LatentThresholds.fromNll(
                nllPerBatch.stream().flatMapToDouble(Arrays::stream).toArray(), samplePercent, restorationPercent);
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < nllPerBatch.size(); i++) {
            double[] nll = nllPerBatch.get(i);
            int positions = positionsPerBatch.get(i);
            for (int from = 0; from < nll.length; from += positions) {
                scores.add(SampleScore.of(nll, from, positions, latent.lambdaS()));
            }
        }
        return new RealStatistics(latent, scores.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
