package dev.unmask.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the JDK Vector API. Only {@link KernelProvider} names this class, by reflection,
 * after checking that the module {@code jdk.incubator.vector} is loaded; nothing else may refer to it.
 * The GEMM micro-kernel holds a 4 x (3 vectors) tile of C in 12 registers, so that each step of the
 * depth loop issues 12 independent fused multiply-adds against 3 loads of B and 4 broadcasts of A
 * (measured on AVX-512: about 110 GFLOP/s on one core, against about 50 for 6 x 2 and 15 for 8 x 2 or
 * 6 x 3, where C2 runs out of registers).
 */
final class VectorFloatKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int WIDTH = 3 * L;
    private static final int HEIGHT = 4;
    private static final int DIRECT_ROWS = 6;
    private static final int DIRECT_WIDTH = 2 * L;

    @Override
    public int stripWidth() {
        return WIDTH;
    }

    @Override
    public int stripHeight() {
        return HEIGHT;
    }

    @Override
    public void microKernel(int depth, float[] pa, int aOff, float[] pb, int bOff,
                            float[] c, int cOff, int ldc, int rows, int cols) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int a = aOff + p * HEIGHT;
            int b = bOff + p * WIDTH;
            FloatVector b0 = FloatVector.fromArray(S, pb, b + 0 * L);
            FloatVector b1 = FloatVector.fromArray(S, pb, b + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, pb, b + 2 * L);
            FloatVector x0 = FloatVector.broadcast(S, pa[a + 0]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            c02 = b2.fma(x0, c02);
            FloatVector x1 = FloatVector.broadcast(S, pa[a + 1]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            c12 = b2.fma(x1, c12);
            FloatVector x2 = FloatVector.broadcast(S, pa[a + 2]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            c22 = b2.fma(x2, c22);
            FloatVector x3 = FloatVector.broadcast(S, pa[a + 3]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
            c32 = b2.fma(x3, c32);
        }
        if (rows == HEIGHT && cols == WIDTH) {
            addRow(c, cOff + 0 * ldc, c00, c01, c02);
            addRow(c, cOff + 1 * ldc, c10, c11, c12);
            addRow(c, cOff + 2 * ldc, c20, c21, c22);
            addRow(c, cOff + 3 * ldc, c30, c31, c32);
            return;
        }
        float[] tile = new float[HEIGHT * WIDTH];
        c00.intoArray(tile, 0 * WIDTH + 0 * L);
        c01.intoArray(tile, 0 * WIDTH + 1 * L);
        c02.intoArray(tile, 0 * WIDTH + 2 * L);
        c10.intoArray(tile, 1 * WIDTH + 0 * L);
        c11.intoArray(tile, 1 * WIDTH + 1 * L);
        c12.intoArray(tile, 1 * WIDTH + 2 * L);
        c20.intoArray(tile, 2 * WIDTH + 0 * L);
        c21.intoArray(tile, 2 * WIDTH + 1 * L);
        c22.intoArray(tile, 2 * WIDTH + 2 * L);
        c30.intoArray(tile, 3 * WIDTH + 0 * L);
        c31.intoArray(tile, 3 * WIDTH + 1 * L);
        c32.intoArray(tile, 3 * WIDTH + 2 * L);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] += tile[r * WIDTH + j];
            }
        }
    }

    private static void addRow(float[] c, int off, FloatVector v0, FloatVector v1, FloatVector v2) {
        FloatVector.fromArray(S, c, off + 0 * L).add(v0).intoArray(c, off + 0 * L);
        FloatVector.fromArray(S, c, off + 1 * L).add(v1).intoArray(c, off + 1 * L);
        FloatVector.fromArray(S, c, off + 2 * L).add(v2).intoArray(c, off + 2 * L);
    }

    @Override
    public int directRows() {
        return DIRECT_ROWS;
    }

    @Override
    public int directWidth() {
        return DIRECT_WIDTH;
    }

    /**
     * A 6 x (2 vectors) tile in 12 registers: per step 2 loads of the weights and 6 broadcasts of the input
     * for 12 fused multiply-adds. One flat loop over the depth: with the accumulators live across a nested
     * loop, C2 (JDK 17) boxed the vectors and ran 20x slower.
     */
    @Override
    public void directKernel(int depth, float[] x, int[] bases, int baseOff, int delta, float[] w, int wOff,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            // zeros through memory: a vector chosen by a conditional before the loop would be boxed
            FloatVector zero = FloatVector.zero(S);
            for (int r = 0; r < DIRECT_ROWS; r++) {
                zero.intoArray(c, cOff + r * ldc);
                zero.intoArray(c, cOff + r * ldc + L);
            }
        }
        int a0 = bases[baseOff + 0] + delta;
        int a1 = bases[baseOff + 1] + delta;
        int a2 = bases[baseOff + 2] + delta;
        int a3 = bases[baseOff + 3] + delta;
        int a4 = bases[baseOff + 4] + delta;
        int a5 = bases[baseOff + 5] + delta;
        FloatVector c00 = FloatVector.fromArray(S, c, cOff + 0 * ldc + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, c, cOff + 0 * ldc + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, cOff + 1 * ldc + 0 * L);
        FloatVector c11 = FloatVector.fromArray(S, c, cOff + 1 * ldc + 1 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 0 * L);
        FloatVector c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 1 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 0 * L);
        FloatVector c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 1 * L);
        FloatVector c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 0 * L);
        FloatVector c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 1 * L);
        FloatVector c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 0 * L);
        FloatVector c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 1 * L);
        for (int p = 0; p < depth; p++) {
            int b = wOff + p * DIRECT_WIDTH;
            FloatVector w0 = FloatVector.fromArray(S, w, b);
            FloatVector w1 = FloatVector.fromArray(S, w, b + L);
            FloatVector x0 = FloatVector.broadcast(S, x[a0 + p]);
            c00 = w0.fma(x0, c00);
            c01 = w1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[a1 + p]);
            c10 = w0.fma(x1, c10);
            c11 = w1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[a2 + p]);
            c20 = w0.fma(x2, c20);
            c21 = w1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, x[a3 + p]);
            c30 = w0.fma(x3, c30);
            c31 = w1.fma(x3, c31);
            FloatVector x4 = FloatVector.broadcast(S, x[a4 + p]);
            c40 = w0.fma(x4, c40);
            c41 = w1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(S, x[a5 + p]);
            c50 = w0.fma(x5, c50);
            c51 = w1.fma(x5, c51);
        }
        c00.intoArray(c, cOff + 0 * ldc + 0 * L);
        c01.intoArray(c, cOff + 0 * ldc + 1 * L);
        c10.intoArray(c, cOff + 1 * ldc + 0 * L);
        c11.intoArray(c, cOff + 1 * ldc + 1 * L);
        c20.intoArray(c, cOff + 2 * ldc + 0 * L);
        c21.intoArray(c, cOff + 2 * ldc + 1 * L);
        c30.intoArray(c, cOff + 3 * ldc + 0 * L);
        c31.intoArray(c, cOff + 3 * ldc + 1 * L);
        c40.intoArray(c, cOff + 4 * ldc + 0 * L);
        c41.intoArray(c, cOff + 4 * ldc + 1 * L);
        c50.intoArray(c, cOff + 5 * ldc + 0 * L);
        c51.intoArray(c, cOff + 5 * ldc + 1 * L);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = x[off];
        int i = 0;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float expShiftSum(float[] x, int off, int n, float shift) {
        FloatVector vs = FloatVector.broadcast(S, shift);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, off + i).sub(vs).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    /** One pass over the keys with the {@code dim} products summed in a register, the maximum kept alongside. */
    @Override
    public float scores(float[] q, int qOff, int dim, float scale, float[] kT, int ld, int j0, int len, float[] s) {
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0; d < dim; d++) {
                acc = FloatVector.fromArray(S, kT, d * ld + j0 + j).fma(FloatVector.broadcast(S, scale * q[qOff + d]), acc);
            }
            acc.intoArray(s, j);
            best = best.max(acc);
        }
        float m = best.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            float acc = 0f;
            for (int d = 0; d < dim; d++) {
                acc += scale * q[qOff + d] * kT[d * ld + j0 + j];
            }
            s[j] = acc;
            m = Math.max(m, acc);
        }
        return m;
    }

    /** Four rows per pass over {@code p}, so each weight is loaded once per four sums. */
    @Override
    public void weightedSums(float[] p, int len, float[] vT, int ld, int j0, int dim, float[] out, int outOff) {
        int d = 0;
        int bound = S.loopBound(len);
        for (; d + 4 <= dim; d += 4) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            int r0 = d * ld + j0;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector w = FloatVector.fromArray(S, p, j);
                a0 = FloatVector.fromArray(S, vT, r0 + j).fma(w, a0);
                a1 = FloatVector.fromArray(S, vT, r0 + ld + j).fma(w, a1);
                a2 = FloatVector.fromArray(S, vT, r0 + 2 * ld + j).fma(w, a2);
                a3 = FloatVector.fromArray(S, vT, r0 + 3 * ld + j).fma(w, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; j < len; j++) {
                s0 += p[j] * vT[r0 + j];
                s1 += p[j] * vT[r0 + ld + j];
                s2 += p[j] * vT[r0 + 2 * ld + j];
                s3 += p[j] * vT[r0 + 3 * ld + j];
            }
            out[outOff + d] = s0;
            out[outOff + d + 1] = s1;
            out[outOff + d + 2] = s2;
            out[outOff + d + 3] = s3;
        }
        for (; d < dim; d++) {
            out[outOff + d] = dot(p, 0, vT, d * ld + j0, len);
        }
    }

    @Override
    public float scoresFromDots(float[] x, int off, float[] norms, int n) {
        FloatVector best = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector s = FloatVector.fromArray(S, x, off + i).mul(-2f).add(FloatVector.fromArray(S, norms, i));
            s.intoArray(x, off + i);
            // NaN lanes fail the comparison and keep the previous minimum
            best = best.blend(s, s.compare(VectorOperators.LT, best));
        }
        float m = best.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            float s = norms[i] - 2f * x[off + i];
            x[off + i] = s;
            if (s < m) {
                m = s;
            }
        }
        return m;
    }

    /** A vector select: the scalar loop's data-dependent branch mispredicts on mixed signs (and C2 does not vectorise it). */
    @Override
    public void reluBackward(float[] grad, float[] x, float[] out, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            var positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, grad, i), positive).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = x[i] > 0 ? grad[i] : 0f;
        }
    }

    @Override
    public int nextAtMost(float[] x, int off, int from, int n, float limit) {
        int i = from;
        for (int bound = from + S.loopBound(n - from); i < bound; i += L) {
            var above = FloatVector.fromArray(S, x, off + i).compare(VectorOperators.GT, limit);
            if (!above.allTrue()) {
                return i + above.not().firstTrue();
            }
        }
        for (; i < n; i++) {
            if (!(x[off + i] > limit)) {
                return i;
            }
        }
        return n;
    }
}
