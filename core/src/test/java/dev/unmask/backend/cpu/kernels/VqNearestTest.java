package dev.unmask.backend.cpu.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The near-tie re-check of {@link VqNearest}: its fast scores are computed with kernels whose products are
 * deliberately perturbed by a few units of roundoff (as another summation order would), on data full of
 * exact ties; the result must still be exactly the plain double argmin with ties to the lowest index.
 */
class VqNearestTest {
    /** Relative perturbation of every fast dot product: within the rounding error the margin covers. */
    private static final float PERTURBATION = 0x1p-21f;

    @Test
    void perturbedFastScoresStillGiveTheExactArgmin() {
        SplittableRandom rnd = new SplittableRandom(5);
        int d = 16;
        int codes = 41;
        int n = 300;
        float[] book = new float[codes * d];
        for (int i = 0; i < book.length; i++) {
            book[i] = rnd.nextInt(5) - 2;
        }
        System.arraycopy(book, 0, book, 40 * d, d);
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) {
            int a = rnd.nextInt(codes);
            int b = rnd.nextInt(codes);
            for (int j = 0; j < d; j++) {
                z[i * d + j] = (book[a * d + j] + book[b * d + j]) / 2;
            }
        }
        int[] got = new int[n];
        VqNearest.nearest(new PerturbedKernels(rnd), n, d, codes, z, book, got);
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestScore = Double.POSITIVE_INFINITY;
            for (int c = 0; c < codes; c++) {
                double score = 0;
                for (int j = 0; j < d; j++) {
                    score += (double) book[c * d + j] * book[c * d + j] - 2.0 * z[i * d + j] * book[c * d + j];
                }
                if (score < bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            assertEquals(best, got[i], "vector " + i);
        }
    }

    /** Scalar kernels whose micro-kernel output is scaled by 1 +- PERTURBATION at random. */
    private static final class PerturbedKernels implements FloatKernels {
        private final ScalarFloatKernels plain = new ScalarFloatKernels();
        private final SplittableRandom rnd;

        PerturbedKernels(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        @Override
        public int stripWidth() {
            return plain.stripWidth();
        }

        @Override
        public int stripHeight() {
            return plain.stripHeight();
        }

        @Override
        public void microKernel(int depth, float[] packedA, int aOff, float[] packedB, int bOff, float[] c, int cOff,
                                int ldc, int rows, int cols) {
            float[] tile = new float[rows * cols];
            plain.microKernel(depth, packedA, aOff, packedB, bOff, tile, 0, cols, rows, cols);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float noise = rnd.nextBoolean() ? 1 + PERTURBATION : 1 - PERTURBATION;
                    c[cOff + r * ldc + j] += tile[r * cols + j] * noise;
                }
            }
        }

        @Override
        public int directRows() {
            return plain.directRows();
        }

        @Override
        public int directWidth() {
            return plain.directWidth();
        }

        @Override
        public void directKernel(int depth, float[] x, int[] bases, int baseOff, int delta, float[] w, int wOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
            plain.directKernel(depth, x, bases, baseOff, delta, w, wOff, c, cOff, ldc, accumulate);
        }

        @Override
        public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
            return plain.dot(x, xOff, y, yOff, n);
        }

        @Override
        public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            plain.axpy(alpha, x, xOff, y, yOff, n);
        }

        @Override
        public void transpose16(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
            plain.transpose16(src, srcOff, srcStride, dst, dstOff, dstStride);
        }

        @Override
        public void eluBackward(float[] grad, float[] x, float[] y, float alpha, float[] out, int from, int to) {
            plain.eluBackward(grad, x, y, alpha, out, from, to);
        }

        @Override
        public void reluBackward(float[] grad, float[] x, float[] out, int from, int to) {
            plain.reluBackward(grad, x, out, from, to);
        }

        @Override
        public void elu(float[] x, float alpha, float[] out, int from, int to) {
            plain.elu(x, alpha, out, from, to);
        }

        @Override
        public void sigmoid(float[] x, float[] out, int from, int to) {
            plain.sigmoid(x, out, from, to);
        }

        @Override
        public float max(float[] x, int off, int n) {
            return plain.max(x, off, n);
        }

        @Override
        public float expShiftSum(float[] x, int off, int n, float shift) {
            return plain.expShiftSum(x, off, n, shift);
        }

        @Override
        public float scores(float[] q, int qOff, int dim, float scale, float[] kT, int ld, int j0, int len, float[] s) {
            return plain.scores(q, qOff, dim, scale, kT, ld, j0, len, s);
        }

        @Override
        public void weightedSums(float[] p, int len, float[] vT, int ld, int j0, int dim, float[] out, int outOff) {
            plain.weightedSums(p, len, vT, ld, j0, dim, out, outOff);
        }

        @Override
        public float scoresFromDots(float[] x, int off, float[] norms, int n) {
            return plain.scoresFromDots(x, off, norms, n);
        }

        @Override
        public int nextAtMost(float[] x, int off, int from, int n, float limit) {
            return plain.nextAtMost(x, off, from, n, limit);
        }
    }
}
