package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Random;

/**
 * A causal prior for tests, in plain Java: the logits at position i are a fixed random linear function of
 * the one-hot codes at positions j &lt; i plus a bias, {@code l_i[k] = b_i[k] + sum_{j<i} W_i[k][j][codes_j]}.
 * Each grid's logits are computed alone, so they do not depend on the batch. Its rows are slices of the full
 * logits (it keeps nothing between rows), which meets the row contract trivially.
 */
final class ToyPrior implements IncrementalCodePrior {
    private final int classes;
    private final int positions;
    private final double[][] bias;
    private final double[][][][] weight;

    /** @param spread scale of the weights and biases: larger gives peakier distributions */
    ToyPrior(int classes, int positions, double spread, long seed) {
        Random random = new Random(seed);
        this.classes = classes;
        this.positions = positions;
        this.bias = new double[positions][classes];
        this.weight = new double[positions][classes][][];
        for (int i = 0; i < positions; i++) {
            for (int k = 0; k < classes; k++) {
                bias[i][k] = spread * random.nextGaussian();
                weight[i][k] = new double[i][classes];
                for (int j = 0; j < i; j++) {
                    for (int c = 0; c < classes; c++) {
                        weight[i][k][j][c] = spread * random.nextGaussian() / Math.sqrt(i);
                    }
                }
            }
        }
    }

    @Override
    public int codebookSize() {
        return classes;
    }

    /** The logits at position {@code i} of one grid (h * w codes, raster order), in double. */
    double[] logitsAt(int[] grid, int i) {
        double[] logits = new double[classes];
        for (int k = 0; k < classes; k++) {
            double sum = bias[i][k];
            for (int j = 0; j < i; j++) {
                sum += weight[i][k][j][grid[j]];
            }
            logits[k] = sum;
        }
        return logits;
    }

    @Override
    public Tensor logits(Tensor codes) {
        int grids = codes.dim(0);
        if (codes.dim(1) * codes.dim(2) != positions) {
            throw new IllegalArgumentException("toy prior built for " + positions + " positions, got " + codes.shape());
        }
        int[] all = codes.toIntArray();
        float[] out = new float[grids * classes * positions];
        int[] grid = new int[positions];
        for (int g = 0; g < grids; g++) {
            System.arraycopy(all, g * positions, grid, 0, positions);
            for (int i = 0; i < positions; i++) {
                double[] logits = logitsAt(grid, i);
                for (int k = 0; k < classes; k++) {
                    out[(g * classes + k) * positions + i] = (float) logits[k];
                }
            }
        }
        return Backend.of(codes).fromFloats(out, Shape.of(grids, classes, codes.dim(1), codes.dim(2)));
    }

    @Override
    public Rows rows(int grids) {
        return (row, fromColumn, ids, codes) -> {
            Tensor all = logits(codes);
            Backend backend = Backend.of(all);
            Tensor cells = backend.slice(backend.slice(all, 2, row, row + 1), 3, fromColumn, codes.dim(2));
            return cells.reshape(ids.length, classes, codes.dim(2) - fromColumn);
        };
    }
}
