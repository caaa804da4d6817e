package dev.unmask.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
    /**
     * The butterfly stages of {@link #transpose16}, block sizes 8, 4, 2, 1: lanes in odd blocks ({@code UPPER}),
     * lane j taking lane j - b ({@code FROM_LOWER}) or lane j + b ({@code FROM_UPPER}). Built only for 16 lanes.
     */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FROM_LOWER = new VectorShuffle[4];
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FROM_UPPER = new VectorShuffle[4];
    @SuppressWarnings("unchecked")
    private static final VectorMask<Float>[] UPPER = new VectorMask[4];

    /** Lane i taking lane i ^ b, for b = L / 2, L / 4, ..., 1: the stages of {@link #sum}. */
    private static final VectorShuffle<Float>[] BUTTERFLY = butterfly();

    static {
        for (int s = 0; L == TRANSPOSE && s < 4; s++) {
            int b = TRANSPOSE / 2 >> s;
            int[] fromLower = new int[L];
            int[] fromUpper = new int[L];
            boolean[] upper = new boolean[L];
            for (int j = 0; j < L; j++) {
                upper[j] = (j / b) % 2 == 1;
                // lanes the blend does not take keep their own index
                fromLower[j] = upper[j] ? j - b : j;
                fromUpper[j] = upper[j] ? j : j + b;
            }
            FROM_LOWER[s] = VectorShuffle.fromArray(S, fromLower, 0);
            FROM_UPPER[s] = VectorShuffle.fromArray(S, fromUpper, 0);
            UPPER[s] = VectorMask.fromArray(S, upper, 0);
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterfly() {
        VectorShuffle<Float>[] stages = new VectorShuffle[Integer.numberOfTrailingZeros(L)];
        for (int s = 0, b = L / 2; b >= 1; s++, b /= 2) {
            int[] from = new int[L];
            for (int j = 0; j < L; j++) {
                from[j] = j ^ b;
            }
            stages[s] = VectorShuffle.fromArray(S, from, 0);
        }
        return stages;
    }

    /**
     * The sum of the lanes in a fixed order, lane i plus lane i ^ b for b = L / 2 down to 1, so the same bits
     * whether the JIT has compiled the caller or not. {@code reduceLanes(ADD)} leaves the order open, and JDK 25's
     * C2 adds the lanes in another order than the interpreter does (JDK 17's happen to agree).
     */
    private static float sum(FloatVector v) {
        for (VectorShuffle<Float> stage : BUTTERFLY) {
            v = v.add(v.rearrange(stage));
        }
        return v.lane(0);
    }

    @Override
    public int stripWidth() {
        return WIDTH;
    }

    @Override
    public int stripHeight() {
        return HEIGHT;
    }

    /**
     * Edge tiles go through a zeroed full-size scratch tile, so the register loop lives in one method with a
     * single exit ({@link #fullTile}). With both exits in one method, C2 (JDK 17) compiled the loop either
     * fast or 5x slower depending on the profile it had seen when it (re)compiled: one JVM ran PixelSNAIL's
     * training step at 1.6 s, the next at 2.9 s.
     */
    @Override
    public void microKernel(int depth, float[] pa, int aOff, float[] pb, int bOff,
                            float[] c, int cOff, int ldc, int rows, int cols) {
        if (rows == HEIGHT && cols == WIDTH) {
            fullTile(depth, pa, aOff, pb, bOff, c, cOff, ldc);
            return;
        }
        float[] tile = new float[HEIGHT * WIDTH];
        fullTile(depth, pa, aOff, pb, bOff, tile, 0, WIDTH);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] += tile[r * WIDTH + j];
            }
        }
    }

    /** {@code C += A B} on one full HEIGHT x WIDTH tile: 12 accumulators, per step 3 loads and 4 broadcasts. */
    private static void fullTile(int depth, float[] pa, int aOff, float[] pb, int bOff, float[] c, int cOff, int ldc) {
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
        addRow(c, cOff + 0 * ldc, c00, c01, c02);
        addRow(c, cOff + 1 * ldc, c10, c11, c12);
        addRow(c, cOff + 2 * ldc, c20, c21, c22);
        addRow(c, cOff + 3 * ldc, c30, c31, c32);
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
        float s = sum(acc);
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
            FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(vs));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            float e = FloatExp.exp(x[off + i] - shift);
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
            float s0 = sum(a0);
            float s1 = sum(a1);
            float s2 = sum(a2);
            float s3 = sum(a3);
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

    /**
     * A 16 x 16 transpose in registers where vectors hold 16 floats (AVX-512), else {@link ScalarFloatKernels}'
     * loop: 16 row loads, four butterfly stages (rows r and r + b swap their off-diagonal b x b blocks for
     * b = 8, 4, 2, 1, each output one single-vector permutation and one blend) and 16 row stores. About 2x
     * the scalar loop on the convolution's layout changes (0.4-0.6 against 0.8-1.4 ns per element, one
     * thread, a throwaway harness). JDK 17's two-vector {@code rearrange} is not intrinsified (40x slower),
     * so the stages use one-vector permutations and blends; one method per block keeps C2 compiling it (the
     * unrolled loop over a whole image exceeded the 8000-byte limit and stayed interpreted).
     */
    @Override
    public void transpose16(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
        if (L != TRANSPOSE) {
            ScalarFloatKernels.transposeLoop(src, srcOff, srcStride, dst, dstOff, dstStride);
            return;
        }
        FloatVector r0s0 = FloatVector.fromArray(S, src, srcOff + 0 * srcStride);
        FloatVector r1s0 = FloatVector.fromArray(S, src, srcOff + 1 * srcStride);
        FloatVector r2s0 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride);
        FloatVector r3s0 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride);
        FloatVector r4s0 = FloatVector.fromArray(S, src, srcOff + 4 * srcStride);
        FloatVector r5s0 = FloatVector.fromArray(S, src, srcOff + 5 * srcStride);
        FloatVector r6s0 = FloatVector.fromArray(S, src, srcOff + 6 * srcStride);
        FloatVector r7s0 = FloatVector.fromArray(S, src, srcOff + 7 * srcStride);
        FloatVector r8s0 = FloatVector.fromArray(S, src, srcOff + 8 * srcStride);
        FloatVector r9s0 = FloatVector.fromArray(S, src, srcOff + 9 * srcStride);
        FloatVector r10s0 = FloatVector.fromArray(S, src, srcOff + 10 * srcStride);
        FloatVector r11s0 = FloatVector.fromArray(S, src, srcOff + 11 * srcStride);
        FloatVector r12s0 = FloatVector.fromArray(S, src, srcOff + 12 * srcStride);
        FloatVector r13s0 = FloatVector.fromArray(S, src, srcOff + 13 * srcStride);
        FloatVector r14s0 = FloatVector.fromArray(S, src, srcOff + 14 * srcStride);
        FloatVector r15s0 = FloatVector.fromArray(S, src, srcOff + 15 * srcStride);
        FloatVector r0s1 = r0s0.blend(r8s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r8s1 = r0s0.rearrange(FROM_UPPER[0]).blend(r8s0, UPPER[0]);
        FloatVector r1s1 = r1s0.blend(r9s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r9s1 = r1s0.rearrange(FROM_UPPER[0]).blend(r9s0, UPPER[0]);
        FloatVector r2s1 = r2s0.blend(r10s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r10s1 = r2s0.rearrange(FROM_UPPER[0]).blend(r10s0, UPPER[0]);
        FloatVector r3s1 = r3s0.blend(r11s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r11s1 = r3s0.rearrange(FROM_UPPER[0]).blend(r11s0, UPPER[0]);
        FloatVector r4s1 = r4s0.blend(r12s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r12s1 = r4s0.rearrange(FROM_UPPER[0]).blend(r12s0, UPPER[0]);
        FloatVector r5s1 = r5s0.blend(r13s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r13s1 = r5s0.rearrange(FROM_UPPER[0]).blend(r13s0, UPPER[0]);
        FloatVector r6s1 = r6s0.blend(r14s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r14s1 = r6s0.rearrange(FROM_UPPER[0]).blend(r14s0, UPPER[0]);
        FloatVector r7s1 = r7s0.blend(r15s0.rearrange(FROM_LOWER[0]), UPPER[0]);
        FloatVector r15s1 = r7s0.rearrange(FROM_UPPER[0]).blend(r15s0, UPPER[0]);
        FloatVector r0s2 = r0s1.blend(r4s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r4s2 = r0s1.rearrange(FROM_UPPER[1]).blend(r4s1, UPPER[1]);
        FloatVector r1s2 = r1s1.blend(r5s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r5s2 = r1s1.rearrange(FROM_UPPER[1]).blend(r5s1, UPPER[1]);
        FloatVector r2s2 = r2s1.blend(r6s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r6s2 = r2s1.rearrange(FROM_UPPER[1]).blend(r6s1, UPPER[1]);
        FloatVector r3s2 = r3s1.blend(r7s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r7s2 = r3s1.rearrange(FROM_UPPER[1]).blend(r7s1, UPPER[1]);
        FloatVector r8s2 = r8s1.blend(r12s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r12s2 = r8s1.rearrange(FROM_UPPER[1]).blend(r12s1, UPPER[1]);
        FloatVector r9s2 = r9s1.blend(r13s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r13s2 = r9s1.rearrange(FROM_UPPER[1]).blend(r13s1, UPPER[1]);
        FloatVector r10s2 = r10s1.blend(r14s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r14s2 = r10s1.rearrange(FROM_UPPER[1]).blend(r14s1, UPPER[1]);
        FloatVector r11s2 = r11s1.blend(r15s1.rearrange(FROM_LOWER[1]), UPPER[1]);
        FloatVector r15s2 = r11s1.rearrange(FROM_UPPER[1]).blend(r15s1, UPPER[1]);
        FloatVector r0s3 = r0s2.blend(r2s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r2s3 = r0s2.rearrange(FROM_UPPER[2]).blend(r2s2, UPPER[2]);
        FloatVector r1s3 = r1s2.blend(r3s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r3s3 = r1s2.rearrange(FROM_UPPER[2]).blend(r3s2, UPPER[2]);
        FloatVector r4s3 = r4s2.blend(r6s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r6s3 = r4s2.rearrange(FROM_UPPER[2]).blend(r6s2, UPPER[2]);
        FloatVector r5s3 = r5s2.blend(r7s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r7s3 = r5s2.rearrange(FROM_UPPER[2]).blend(r7s2, UPPER[2]);
        FloatVector r8s3 = r8s2.blend(r10s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r10s3 = r8s2.rearrange(FROM_UPPER[2]).blend(r10s2, UPPER[2]);
        FloatVector r9s3 = r9s2.blend(r11s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r11s3 = r9s2.rearrange(FROM_UPPER[2]).blend(r11s2, UPPER[2]);
        FloatVector r12s3 = r12s2.blend(r14s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r14s3 = r12s2.rearrange(FROM_UPPER[2]).blend(r14s2, UPPER[2]);
        FloatVector r13s3 = r13s2.blend(r15s2.rearrange(FROM_LOWER[2]), UPPER[2]);
        FloatVector r15s3 = r13s2.rearrange(FROM_UPPER[2]).blend(r15s2, UPPER[2]);
        FloatVector r0s4 = r0s3.blend(r1s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r1s4 = r0s3.rearrange(FROM_UPPER[3]).blend(r1s3, UPPER[3]);
        FloatVector r2s4 = r2s3.blend(r3s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r3s4 = r2s3.rearrange(FROM_UPPER[3]).blend(r3s3, UPPER[3]);
        FloatVector r4s4 = r4s3.blend(r5s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r5s4 = r4s3.rearrange(FROM_UPPER[3]).blend(r5s3, UPPER[3]);
        FloatVector r6s4 = r6s3.blend(r7s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r7s4 = r6s3.rearrange(FROM_UPPER[3]).blend(r7s3, UPPER[3]);
        FloatVector r8s4 = r8s3.blend(r9s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r9s4 = r8s3.rearrange(FROM_UPPER[3]).blend(r9s3, UPPER[3]);
        FloatVector r10s4 = r10s3.blend(r11s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r11s4 = r10s3.rearrange(FROM_UPPER[3]).blend(r11s3, UPPER[3]);
        FloatVector r12s4 = r12s3.blend(r13s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r13s4 = r12s3.rearrange(FROM_UPPER[3]).blend(r13s3, UPPER[3]);
        FloatVector r14s4 = r14s3.blend(r15s3.rearrange(FROM_LOWER[3]), UPPER[3]);
        FloatVector r15s4 = r14s3.rearrange(FROM_UPPER[3]).blend(r15s3, UPPER[3]);
        r0s4.intoArray(dst, dstOff + 0 * dstStride);
        r1s4.intoArray(dst, dstOff + 1 * dstStride);
        r2s4.intoArray(dst, dstOff + 2 * dstStride);
        r3s4.intoArray(dst, dstOff + 3 * dstStride);
        r4s4.intoArray(dst, dstOff + 4 * dstStride);
        r5s4.intoArray(dst, dstOff + 5 * dstStride);
        r6s4.intoArray(dst, dstOff + 6 * dstStride);
        r7s4.intoArray(dst, dstOff + 7 * dstStride);
        r8s4.intoArray(dst, dstOff + 8 * dstStride);
        r9s4.intoArray(dst, dstOff + 9 * dstStride);
        r10s4.intoArray(dst, dstOff + 10 * dstStride);
        r11s4.intoArray(dst, dstOff + 11 * dstStride);
        r12s4.intoArray(dst, dstOff + 12 * dstStride);
        r13s4.intoArray(dst, dstOff + 13 * dstStride);
        r14s4.intoArray(dst, dstOff + 14 * dstStride);
        r15s4.intoArray(dst, dstOff + 15 * dstStride);
    }

    /** Both branches computed and blended, as {@link #reluBackward}. */
    @Override
    public void eluBackward(float[] grad, float[] x, float[] y, float alpha, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, grad, i);
            var positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            g.mul(FloatVector.fromArray(S, y, i).add(alpha)).blend(g, positive).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = x[i] > 0 ? grad[i] : grad[i] * (y[i] + alpha);
        }
    }

    /** Both branches computed and blended; the tail through {@link FloatExp}, whose operations the lanes repeat. */
    @Override
    public void elu(float[] x, float alpha, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            expm1(v).mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = FloatExp.elu(x[i], alpha);
        }
    }

    /** As {@link FloatExp#sigmoid}, lane by lane. */
    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = exp(v.abs().neg());
            FloatVector d = e.add(1f);
            e.div(d).blend(one.div(d), v.compare(VectorOperators.GE, 0f)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = FloatExp.sigmoid(x[i]);
        }
    }

    /** {@link FloatExp#expm1} on every lane, operation for operation. */
    private static FloatVector expm1(FloatVector a) {
        FloatVector clamped = a.max(FloatExp.EXPM1_LOWEST);
        FloatVector t = clamped.fma(FloatExp.LOG2_E, FloatExp.ROUNDER);
        FloatVector p = expm1Reduced(reduced(clamped, t));
        FloatVector scale = powerOfTwo(t.reinterpretAsInts().sub(FloatExp.ROUNDER_BITS));
        return scale.fma(p, scale.sub(1f));
    }

    /** {@link FloatExp#exp} on every lane, operation for operation. */
    private static FloatVector exp(FloatVector a) {
        FloatVector clamped = a.max(FloatExp.EXP_LOWEST);
        FloatVector t = clamped.fma(FloatExp.LOG2_E, FloatExp.ROUNDER);
        FloatVector p = expm1Reduced(reduced(clamped, t));
        IntVector n = t.reinterpretAsInts().sub(FloatExp.ROUNDER_BITS);
        IntVector half = n.lanewise(VectorOperators.ASHR, 1);
        FloatVector high = powerOfTwo(half);
        return p.fma(high, high).mul(powerOfTwo(n.sub(half)));
    }

    /** 2^n from the exponent bits, for -126 &lt;= n &lt;= 127. */
    private static FloatVector powerOfTwo(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    private static FloatVector reduced(FloatVector a, FloatVector t) {
        FloatVector n = t.sub(FloatExp.ROUNDER);
        return n.fma(FloatVector.broadcast(S, -FloatExp.LN2_LO), n.fma(FloatVector.broadcast(S, -FloatExp.LN2_HI), a));
    }

    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector h = FloatVector.broadcast(S, FloatExp.C7).fma(r, FloatVector.broadcast(S, FloatExp.C6));
        h = h.fma(r, FloatVector.broadcast(S, FloatExp.C5));
        h = h.fma(r, FloatVector.broadcast(S, FloatExp.C4));
        h = h.fma(r, FloatVector.broadcast(S, FloatExp.C3));
        h = h.fma(r, FloatVector.broadcast(S, FloatExp.C2));
        return h.fma(r.mul(r), r);
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
