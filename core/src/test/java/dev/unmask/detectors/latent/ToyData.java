package dev.unmask.detectors.latent;

import java.util.Random;

/** Code grids for tests: ancestral samples of a {@link ToyPrior} ("real") and copies with a corrupted block. */
final class ToyData {
    private ToyData() {
    }

    /** One grid drawn position by position from the toy prior's own distributions. */
    static int[] sample(ToyPrior prior, int positions, Random random) {
        int[] grid = new int[positions];
        for (int i = 0; i < positions; i++) {
            double[] logits = prior.logitsAt(grid, i);
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double[] p = new double[logits.length];
            double sum = 0;
            for (int k = 0; k < logits.length; k++) {
                p[k] = Math.exp(logits[k] - max);
                sum += p[k];
            }
            double u = random.nextDouble() * sum;
            int k = 0;
            while (k < logits.length - 1 && u >= p[k]) {
                u -= p[k];
                k++;
            }
            grid[i] = k;
        }
        return grid;
    }

    /** {@code count} sampled grids, concatenated. */
    static int[] samples(ToyPrior prior, int positions, int count, long seed) {
        Random random = new Random(seed);
        int[] all = new int[count * positions];
        for (int g = 0; g < count; g++) {
            System.arraycopy(sample(prior, positions, random), 0, all, g * positions, positions);
        }
        return all;
    }

    /** A sampled grid of a {@code width}-wide raster whose {@code block x block} square at the centre holds random codes. */
    static int[] corrupted(ToyPrior prior, int width, int height, int block, long seed) {
        Random random = new Random(seed);
        int[] grid = sample(prior, width * height, random);
        int top = (height - block) / 2;
        int left = (width - block) / 2;
        for (int y = top; y < top + block; y++) {
            for (int x = left; x < left + block; x++) {
                grid[y * width + x] = random.nextInt(prior.codebookSize());
            }
        }
        return grid;
    }
}
