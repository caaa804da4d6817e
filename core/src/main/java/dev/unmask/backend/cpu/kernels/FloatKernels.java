package dev.unmask.backend.cpu.kernels;

/**
 * The inner loops that the fast CPU kernels are built from, in two implementations picked at run time
 * by {@link KernelProvider}: {@link ScalarFloatKernels} (plain Java) and {@code VectorFloatKernels}
 * (JDK Vector API, loaded by name only when the module {@code jdk.incubator.vector} is present).
 * Both give the same results up to floating-point summation order.
 */
public interface FloatKernels {

    /** Columns of a packed B strip (and of one micro-tile of C). */
    int stripWidth();

    /** Rows of a packed A strip (and of one micro-tile of C). */
    int stripHeight();

    /**
     * Adds the product of one packed A strip and one packed B strip to a micro-tile of C:
     * {@code C[r, j] += sum_p A[p, r] * B[p, j]} for {@code r < rows}, {@code j < cols}, where the strips
     * are laid out as {@code packedA[aOff + p * stripHeight() + r]} and
     * {@code packedB[bOff + p * stripWidth() + j]}, zero-padded beyond {@code rows} and {@code cols}.
     * C element (r, j) is {@code c[cOff + r * ldc + j]}; only the {@code rows x cols} tile is modified.
     */
    void microKernel(int depth, float[] packedA, int aOff, float[] packedB, int bOff,
                     float[] c, int cOff, int ldc, int rows, int cols);

    /** Output positions in one register tile of {@link #directKernel}. */
    int directRows();

    /** Output channels in one register tile of {@link #directKernel} (a multiple of the vector length). */
    int directWidth();

    /**
     * One register tile of a direct convolution over a channels-last input: for {@code r < directRows()} and
     * {@code j < directWidth()}, {@code c[cOff + r * ldc + j]} becomes (or, when {@code accumulate}, gains)
     * {@code sum_p x[bases[baseOff + r] + delta + p] * w[wOff + p * directWidth() + j]} over {@code p < depth}.
     * Each output position reads its own contiguous run of the input, so the input is never packed.
     */
    void directKernel(int depth, float[] x, int[] bases, int baseOff, int delta, float[] w, int wOff,
                      float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code sum_i x[xOff + i] * y[yOff + i]} for {@code i < n}. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** Side of the square blocks that {@link #transpose16} moves. */
    int TRANSPOSE = 16;

    /**
     * Transposes a 16 x 16 block: {@code dst[dstOff + j * dstStride + i] = src[srcOff + i * srcStride + j]} for
     * {@code i, j < 16}. The layout changes of the direct convolution (NCHW to channels-last and back) are
     * built from it.
     */
    void transpose16(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride);

    /**
     * ReLU's backward pass: {@code out[i] = x[i] > 0 ? grad[i] : 0} for {@code from <= i < to} (NaN x gives 0).
     * A select, not a product: a zero or NaN x does not turn an infinite or NaN gradient into NaN.
     */
    void reluBackward(float[] grad, float[] x, float[] out, int from, int to);

    /**
     * ELU's backward pass for {@code y = elu(x, alpha)}: {@code out[i] = x[i] > 0 ? grad[i] : grad[i] * (y[i] + alpha)}
     * for {@code from <= i < to}, in float arithmetic.
     */
    void eluBackward(float[] grad, float[] x, float[] y, float alpha, float[] out, int from, int to);

    /** ELU: {@code out[i] = FloatExp.elu(x[i], alpha)} for {@code from <= i < to}, the same value in every position. */
    void elu(float[] x, float alpha, float[] out, int from, int to);

    /** The sigmoid: {@code out[i] = FloatExp.sigmoid(x[i])} for {@code from <= i < to}, the same value in every position. */
    void sigmoid(float[] x, float[] out, int from, int to);

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for {@code i < n}; modifies {@code y}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** The largest of {@code x[off .. off + n)}, n &gt;= 1. */
    float max(float[] x, int off, int n);

    /**
     * Replaces {@code x[off + i]} by {@code exp(x[off + i] - shift)} for {@code i < n} and returns the sum
     * of the new values; modifies {@code x}. Meant for {@code shift} at least every {@code x[off + i]} (a maximum
     * or a log-sum-exp). Each exponential is {@link FloatExp#exp}'s: the same bits at every position, and whether
     * or not the JIT has compiled the kernel. The Vector API's lanewise EXP is Intel's SVML once C2 compiles it and
     * {@link Math#exp} lane by lane before, so attention's results changed as a JVM warmed up, and training
     * depended on the thread count and the JDK; it was also faster (the attention workload takes about 1.4x as long
     * with FloatExp, one thread).
     */
    float expShiftSum(float[] x, int off, int n, float shift);

    /**
     * Attention scores of one query against keys held transposed: for {@code j < len},
     * {@code s[j] = sum_d (scale * q[qOff + d]) * kT[d * ld + j0 + j]} over {@code d < dim}; modifies
     * {@code s} and returns the largest score (len &gt;= 1).
     */
    float scores(float[] q, int qOff, int dim, float scale, float[] kT, int ld, int j0, int len, float[] s);

    /**
     * Weighted sums of rows held transposed: {@code out[outOff + d] = sum_j p[j] * vT[d * ld + j0 + j]} for
     * {@code j < len}, {@code d < dim}; overwrites those {@code dim} entries of {@code out}.
     */
    void weightedSums(float[] p, int len, float[] vT, int ld, int j0, int dim, float[] out, int outOff);

    /**
     * Nearest-code scores in place: {@code x[off + i] = norms[i] - 2 * x[off + i]} for {@code i < n};
     * returns the smallest of the new values that is not NaN (+infinity when there is none).
     */
    float scoresFromDots(float[] x, int off, float[] norms, int n);

    /** The first {@code i} in [from, n) with {@code x[off + i] <= limit} or NaN, or {@code n} when there is none. */
    int nextAtMost(float[] x, int off, int from, int n, float limit);
}
