package dev.unmask.backend.cpu.kernels;

/**
 * Nearest codebook entry for each of N vectors, threaded over tiles of vectors. For a tile of rows the
 * scores {@code ||e_k||^2 - 2 z.e_k} for all K codes come from one {@link Gemm} call into a thread-local
 * tile (never an N x K matrix).
 *
 * <p>Tie and rounding policy: the blocked product sums in another order than a plain loop, so two codes
 * whose distances differ by less than the rounding error could swap places. Every code whose fast score
 * is within a proven bound of the fast minimum ({@link #margin}) is therefore re-scored with
 * {@link #exactScore}, the plain sequential formula of the reference backend, and the smallest exact
 * score wins, ties to the lowest index. The result is thus exactly the reference argmin; near-ties cost
 * a few extra D-length dot products.
 */
public final class VqNearest {
    /** Vectors per tile: a 64 x 512 score tile is 128 KiB, within L2. */
    private static final int TILE_ROWS = 64;
    /** Unit roundoff of float. */
    private static final double UNIT_ROUNDOFF = 0x1p-24;
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

    private VqNearest() {
    }

    /** Writes into {@code out[n]} the index of the code nearest to row n of {@code z} [n, d]; codebook [codes, d]. */
    public static void nearest(FloatKernels k, int n, int d, int codes, float[] z, float[] codebook, int[] out) {
        float[] norms = new float[codes];
        double maxNorm = 0;
        for (int c = 0; c < codes; c++) {
            norms[c] = squaredNorm(codebook, c * d, d);
            maxNorm = Math.max(maxNorm, Math.sqrt(Math.abs((double) norms[c])));
        }
        double codeNorm = maxNorm;
        int tiles = (n + TILE_ROWS - 1) / TILE_ROWS;
        ParallelFor.range(tiles, (start, end) -> {
            float[] scores = SCORES.get();
            if (scores.length < TILE_ROWS * codes) {
                scores = new float[TILE_ROWS * codes];
                SCORES.set(scores);
            }
            for (int t = start; t < end; t++) {
                int r0 = t * TILE_ROWS;
                int rows = Math.min(TILE_ROWS, n - r0);
                Gemm.multiply(k, rows, codes, d, z, r0 * d, d, 1, codebook, 0, 1, d, scores, 0, codes, false);
                for (int r = 0; r < rows; r++) {
                    int row = r * codes;
                    float best = Float.POSITIVE_INFINITY;
                    for (int c = 0; c < codes; c++) {
                        float s = norms[c] - 2f * scores[row + c];
                        scores[row + c] = s;
                        best = Math.min(best, s);
                    }
                    double zNorm = Math.sqrt(squaredNorm(z, (r0 + r) * d, d));
                    double limit = best + margin(d, codeNorm, zNorm);
                    int zOff = (r0 + r) * d;
                    int bestIndex = -1;
                    float bestExact = Float.POSITIVE_INFINITY;
                    for (int c = 0; c < codes; c++) {
                        if (scores[row + c] <= limit || Float.isNaN(scores[row + c])) {
                            float exact = exactScore(z, zOff, codebook, c * d, d, norms[c]);
                            if (bestIndex < 0 || exact < bestExact) {
                                bestExact = exact;
                                bestIndex = c;
                            }
                        }
                    }
                    out[r0 + r] = Math.max(bestIndex, 0);
                }
            }
        });
    }

    /**
     * Twice the largest possible gap between a fast and an exact score: each dot product of d terms is
     * off by at most {@code d * u * |z| |e|} (Cauchy-Schwarz bounds the sum of |products|), the norm and
     * the subtraction add a few more units of {@code |e|^2 + 2 |z| |e|}.
     */
    static double margin(int d, double codeNorm, double zNorm) {
        return 2 * (d + 4) * UNIT_ROUNDOFF * (codeNorm * codeNorm + 2 * zNorm * codeNorm) * 2;
    }

    /** The reference backend's score, summed in the same order: {@code ||e||^2 - 2 * (z.e)}, sequential float sums. */
    static float exactScore(float[] z, int zOff, float[] codebook, int eOff, int d, float codeNorm) {
        float dot = 0f;
        for (int i = 0; i < d; i++) {
            dot += z[zOff + i] * codebook[eOff + i];
        }
        return codeNorm - 2f * dot;
    }

    private static float squaredNorm(float[] x, int off, int d) {
        float s = 0f;
        for (int i = 0; i < d; i++) {
            s += x[off + i] * x[off + i];
        }
        return s;
    }
}
