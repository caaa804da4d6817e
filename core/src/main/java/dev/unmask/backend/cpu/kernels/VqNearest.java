package dev.unmask.backend.cpu.kernels;

/**
 * Nearest codebook entry for each of N vectors, threaded over tiles of vectors. For a tile of rows the
 * scores {@code ||e_k||^2 - 2 z.e_k} for all K codes come from one {@link Gemm} call into a thread-local
 * tile (never an N x K matrix).
 *
 * <p>Tie and rounding policy: the blocked product sums in another order than a plain loop, so two codes
 * whose distances differ by less than the rounding error could swap places. Every code whose fast score
 * is within a proven bound of the fast minimum ({@link #margin}) is therefore re-scored with
 * {@link #exactScore}, the reference backend's formula (double sums in index order), and the smallest
 * exact score wins, ties to the lowest index; NaN scores never win (index 0 when all are NaN). The
 * result is thus exactly the reference argmin; near-ties cost a few extra D-length dot products.
 */
public final class VqNearest {
    /** Vectors per tile: a 128 x 512 score tile is 256 KiB, within L2; fewer tiles, fewer packings of the codebook. */
    private static final int TILE_ROWS = 128;
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
        // the codebook transposed to [d, codes], so that packing it for the product is a contiguous copy
        float[] codebookT = new float[d * codes];
        for (int c = 0; c < codes; c++) {
            for (int i = 0; i < d; i++) {
                codebookT[i * codes + c] = codebook[c * d + i];
            }
        }
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
                Gemm.multiply(k, rows, codes, d, z, r0 * d, d, 1, codebookT, 0, codes, 1, scores, 0, codes, false);
                for (int r = 0; r < rows; r++) {
                    int row = r * codes;
                    float best = k.scoresFromDots(scores, row, norms, codes);
                    double zNorm = Math.sqrt(squaredNorm(z, (r0 + r) * d, d));
                    double limit = best + margin(d, codeNorm, zNorm);
                    if (!Double.isFinite(limit)) {
                        // float overflow (or NaN) in the fast scores: re-score every code
                        limit = Double.POSITIVE_INFINITY;
                    }
                    float floatLimit = (float) limit;
                    if (floatLimit < limit) {
                        floatLimit = Math.nextUp(floatLimit);
                    }
                    int zOff = (r0 + r) * d;
                    int bestIndex = 0;
                    double bestExact = Double.POSITIVE_INFINITY;
                    for (int c = k.nextAtMost(scores, row, 0, codes, floatLimit); c < codes;
                         c = k.nextAtMost(scores, row, c + 1, codes, floatLimit)) {
                        double exact = exactScore(z, zOff, codebook, c * d, d);
                        if (exact < bestExact) {
                            bestExact = exact;
                            bestIndex = c;
                        }
                    }
                    out[r0 + r] = bestIndex;
                }
            }
        });
    }

    /**
     * How far above the fast minimum a code must be re-checked: twice (both the winner's and the
     * candidate's fast score may err) the largest gap between a fast and an exact score, times a safety
     * factor of 2. A float dot product of d terms is off by at most {@code d * u * |z| |e|} (Cauchy-Schwarz
     * bounds the sum of |products|), the float norm by {@code d * u * |e|^2}, the subtraction by a few
     * more units of {@code |e|^2 + 2 |z| |e|}.
     */
    static double margin(int d, double codeNorm, double zNorm) {
        return 2 * (d + 4) * UNIT_ROUNDOFF * (codeNorm * codeNorm + 2 * zNorm * codeNorm) * 2;
    }

    /**
     * The reference backend's score, computed the same way so that it rounds identically:
     * {@code ||e||^2 - 2 z.e} with both sums in double, in index order.
     */
    static double exactScore(float[] z, int zOff, float[] codebook, int eOff, int d) {
        double norm = 0;
        double dot = 0;
        for (int i = 0; i < d; i++) {
            norm += (double) codebook[eOff + i] * codebook[eOff + i];
            dot += (double) z[zOff + i] * codebook[eOff + i];
        }
        return norm - 2 * dot;
    }

    private static float squaredNorm(float[] x, int off, int d) {
        float s = 0f;
        for (int i = 0; i < d; i++) {
            s += x[off + i] * x[off + i];
        }
        return s;
    }
}
