package dev.unmask.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the JDK Vector API. Only {@link KernelProvider} names this class, by reflection,
 * after checking that the module {@code jdk.incubator.vector} is loaded; nothing else may refer to it.
 * The GEMM micro-kernel holds a 6 x (2 vectors) tile of C in 12 registers, so that each step of the
 * depth loop issues 12 independent fused multiply-adds against 2 loads of B and 6 broadcasts of A.
 */
final class VectorFloatKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int WIDTH = 2 * L;
    private static final int HEIGHT = 6;

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
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a = aOff;
        int b = bOff;
        for (int p = 0; p < depth; p++, a += HEIGHT, b += WIDTH) {
            FloatVector b0 = FloatVector.fromArray(S, pb, b);
            FloatVector b1 = FloatVector.fromArray(S, pb, b + L);
            FloatVector x = FloatVector.broadcast(S, pa[a]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, pa[a + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, pa[a + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, pa[a + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, pa[a + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, pa[a + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
        }
        if (rows == HEIGHT && cols == WIDTH) {
            addRow(c, cOff, c00, c01);
            addRow(c, cOff + ldc, c10, c11);
            addRow(c, cOff + 2 * ldc, c20, c21);
            addRow(c, cOff + 3 * ldc, c30, c31);
            addRow(c, cOff + 4 * ldc, c40, c41);
            addRow(c, cOff + 5 * ldc, c50, c51);
            return;
        }
        float[] tile = new float[HEIGHT * WIDTH];
        FloatVector[] acc = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
        for (int i = 0; i < acc.length; i++) {
            acc[i].intoArray(tile, i * L);
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] += tile[r * WIDTH + j];
            }
        }
    }

    private static void addRow(float[] c, int off, FloatVector lo, FloatVector hi) {
        FloatVector.fromArray(S, c, off).add(lo).intoArray(c, off);
        FloatVector.fromArray(S, c, off + L).add(hi).intoArray(c, off + L);
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
}
