package dev.unmask.detectors.latent;

import dev.unmask.tensor.Tensor;

/** The image-level score of latent-restoration scoring: {@code sum_i nll[i] * [nll[i] > lambdaS]}. */
public final class SampleScore {
    private SampleScore() {
    }

    /**
     * The score of one grid whose per-latent NLL values are {@code nll[from, from + length)}, summed in
     * index order in double.
     */
    public static double of(double[] nll, int from, int length, double lambdaS) {
        if (from < 0 || length < 0 || from + length > nll.length) {
            throw new IllegalArgumentException("range [" + from + ", " + (from + length) + ") outside nll of length " + nll.length);
        }
        double score = 0;
        for (int i = from; i < from + length; i++) {
            if (nll[i] > lambdaS) {
                score += nll[i];
            }
        }
        return score;
    }

    /**
     * The score of every grid in a batch, from one prior pass.
     *
     * @param codes I32 [B, h, w]
     * @return B scores
     */
    public static double[] of(CodePrior prior, Tensor codes, double lambdaS) {
        double[] nll = LatentNll.of(prior, codes);
        int grids = codes.dim(0);
        int positions = codes.dim(1) * codes.dim(2);
        double[] scores = new double[grids];
        for (int b = 0; b < grids; b++) {
            scores[b] = of(nll, b * positions, positions, lambdaS);
        }
        return scores;
    }
}
