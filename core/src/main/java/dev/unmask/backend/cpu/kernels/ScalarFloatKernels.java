package dev.unmask.backend.cpu.kernels;

/** {@link FloatKernels} in plain Java: the fallback when the Vector API module is absent. */
public final class ScalarFloatKernels implements FloatKernels {
    private static final int WIDTH = 16;
    private static final int HEIGHT = 4;

    @Override
    public int stripWidth() {
        return WIDTH;
    }

    @Override
    public int stripHeight() {
        return HEIGHT;
    }

    @Override
    public void microKernel(int depth, float[] packedA, int aOff, float[] packedB, int bOff,
                            float[] c, int cOff, int ldc, int rows, int cols) {
        float[] acc = new float[HEIGHT * WIDTH];
        for (int p = 0; p < depth; p++) {
            int a = aOff + p * HEIGHT;
            int b = bOff + p * WIDTH;
            for (int r = 0; r < HEIGHT; r++) {
                float ar = packedA[a + r];
                for (int j = 0; j < WIDTH; j++) {
                    acc[r * WIDTH + j] += ar * packedB[b + j];
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[cOff + r * ldc + j] += acc[r * WIDTH + j];
            }
        }
    }

    @Override
    public int directRows() {
        return HEIGHT;
    }

    @Override
    public int directWidth() {
        return WIDTH;
    }

    @Override
    public void directKernel(int depth, float[] x, int[] bases, int baseOff, int delta, float[] w, int wOff,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int r = 0; r < HEIGHT; r++) {
            int a = bases[baseOff + r] + delta;
            int row = cOff + r * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, row, row + WIDTH, 0f);
            }
            for (int p = 0; p < depth; p++) {
                float xr = x[a + p];
                int b = wOff + p * WIDTH;
                for (int j = 0; j < WIDTH; j++) {
                    c[row + j] += xr * w[b + j];
                }
            }
        }
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = x[off];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float expShiftSum(float[] x, int off, int n, float shift) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = FloatExp.exp(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    @Override
    public float scores(float[] q, int qOff, int dim, float scale, float[] kT, int ld, int j0, int len, float[] s) {
        java.util.Arrays.fill(s, 0, len, 0f);
        for (int d = 0; d < dim; d++) {
            axpy(scale * q[qOff + d], kT, d * ld + j0, s, 0, len);
        }
        return max(s, 0, len);
    }

    @Override
    public void weightedSums(float[] p, int len, float[] vT, int ld, int j0, int dim, float[] out, int outOff) {
        for (int d = 0; d < dim; d++) {
            out[outOff + d] = dot(p, 0, vT, d * ld + j0, len);
        }
    }

    @Override
    public float scoresFromDots(float[] x, int off, float[] norms, int n) {
        float best = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float s = norms[i] - 2f * x[off + i];
            x[off + i] = s;
            if (s < best) {
                best = s;
            }
        }
        return best;
    }

    @Override
    public void transpose16(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
        transposeLoop(src, srcOff, srcStride, dst, dstOff, dstStride);
    }

    /** The plain loop of {@link #transpose16}, row by row of the source. */
    static void transposeLoop(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
        for (int i = 0; i < TRANSPOSE; i++) {
            for (int j = 0; j < TRANSPOSE; j++) {
                dst[dstOff + j * dstStride + i] = src[srcOff + i * srcStride + j];
            }
        }
    }

    @Override
    public void eluBackward(float[] grad, float[] x, float[] y, float alpha, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = x[i] > 0 ? grad[i] : grad[i] * (y[i] + alpha);
        }
    }

    @Override
    public void elu(float[] x, float alpha, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = FloatExp.elu(x[i], alpha);
        }
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = FloatExp.sigmoid(x[i]);
        }
    }

    @Override
    public void reluBackward(float[] grad, float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = x[i] > 0 ? grad[i] : 0f;
        }
    }

    @Override
    public int nextAtMost(float[] x, int off, int from, int n, float limit) {
        for (int i = from; i < n; i++) {
            if (!(x[off + i] > limit)) {
                return i;
            }
        }
        return n;
    }
}
