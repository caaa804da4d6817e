package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.Pool2dParams;

import java.util.Arrays;

/**
 * Max and min pooling over [planes, h, w] arrays and the max pool's gradient, threaded over planes, with
 * the reference backend's rules: a window is clipped to the plane (padding never wins), its first extreme
 * in row-major order is taken, and NaN counts as the most extreme value (a window holding NaN gives its
 * first NaN). The gradient of a window goes to that element; when windows overlap (stride below the
 * window) the contributions to an element are summed in double in window order, as the reference does, so
 * both give the same bits; without overlap an element receives at most one contribution and floats suffice.
 *
 * <p>Window by window with a branch per comparison, a 2 x 2 max pool of [256, 256, 256] took 92 ms of CPU on
 * one thread (on real data the comparison is a coin toss that the branch predictor loses). So the windows of
 * an output row that lie wholly inside the plane are taken together. The forward takes the extreme of their
 * rows column by column, then of each window's columns, with {@code Math.max} / {@code Math.min}, which C2
 * compiles without branches and vectorises along the rows; they differ from the first extreme only in
 * which zero (-0 or +0) or which NaN they return, so a window whose extreme is zero or NaN is scanned again
 * in row-major order for its first zero or NaN (the same pool: 28 ms on random data; after a ReLU, where
 * many windows are all zero, the scan stops at their first element). The gradient needs the element itself: its windows are
 * taken tap by tap in row-major order, each seeing the same comparisons in the same order as alone, with
 * selects in place of branches (77 ms). Windows that the border clips are taken one at a time.
 */
public final class ExtremePool {
    private ExtremePool() {
    }

    /** Writes the pooled planes [planes, oh, ow] into {@code out}. */
    public static void forward(int planes, int h, int w, Pool2dParams p, int oh, int ow, boolean max, float[] x,
                               float[] out) {
        ParallelFor.range(planes, (start, end) -> {
            Row row = new Row(ow, w);
            for (int plane = start; plane < end; plane++) {
                for (int oy = 0; oy < oh; oy++) {
                    row.pool(x, plane * h * w, h, w, p, oy, ow, max, out, (plane * oh + oy) * ow);
                }
            }
        });
    }

    /**
     * Writes into {@code gradX} [planes, h, w] (fully overwritten) the gradient of the max pool whose output
     * gradient is {@code gradOut} [planes, oh, ow].
     */
    public static void maxBackward(int planes, int h, int w, Pool2dParams p, int oh, int ow, float[] x, float[] gradOut,
                                   float[] gradX) {
        boolean overlapping = p.strideH() < p.kernelH() || p.strideW() < p.kernelW();
        ParallelFor.range(planes, (start, end) -> {
            Row row = new Row(ow, 0);
            double[] sums = overlapping ? new double[h * w] : null;
            for (int plane = start; plane < end; plane++) {
                int in = plane * h * w;
                Arrays.fill(gradX, in, in + h * w, 0f);
                if (overlapping) {
                    Arrays.fill(sums, 0);
                }
                for (int oy = 0; oy < oh; oy++) {
                    row.firstExtremes(x, in, h, w, p, oy, ow, true);
                    int o = (plane * oh + oy) * ow;
                    for (int ox = 0; ox < ow; ox++) {
                        if (overlapping) {
                            sums[row.indices[ox] - in] += gradOut[o + ox];
                        } else {
                            gradX[row.indices[ox]] = gradOut[o + ox];
                        }
                    }
                }
                if (overlapping) {
                    for (int i = 0; i < h * w; i++) {
                        gradX[in + i] = (float) sums[i];
                    }
                }
            }
        });
    }

    /** The windows of one output row: their first extremes (values and indices into the input). */
    private static final class Row {
        final float[] values;
        final int[] indices;
        /** The extreme of the window rows in each column of the inner windows' span. */
        final float[] columns;
        int y0;
        int y1;
        /** Windows ox in [lo, hi) cover columns [ox * strideW - padW, ox * strideW - padW + kernelW) wholly inside. */
        int lo;
        int hi;

        Row(int ow, int w) {
            values = new float[ow];
            indices = new int[ow];
            columns = new float[w];
        }

        private void bounds(int h, int w, Pool2dParams p, int oy, int ow) {
            y0 = Math.max(0, oy * p.strideH() - p.padH());
            y1 = Math.min(h, oy * p.strideH() - p.padH() + p.kernelH());
            int lastStart = w + p.padW() - p.kernelW();
            lo = Math.min(ow, Convolution.ceilDiv(p.padW(), p.strideW()));
            hi = Math.max(lo, Math.min(ow, lastStart < 0 ? 0 : lastStart / p.strideW() + 1));
        }

        /** The pooled output row, into {@code out} from {@code at}. */
        void pool(float[] x, int in, int h, int w, Pool2dParams p, int oy, int ow, boolean max, float[] out, int at) {
            bounds(h, w, p, oy, ow);
            for (int ox = 0; ox < lo; ox++) {
                out[at + ox] = x[clipped(x, in, w, p, ox, max)];
            }
            for (int ox = hi; ox < ow; ox++) {
                out[at + ox] = x[clipped(x, in, w, p, ox, max)];
            }
            if (lo == hi) {
                return;
            }
            int sw = p.strideW();
            int kw = p.kernelW();
            int first = lo * sw - p.padW();
            int span = (hi - 1) * sw - p.padW() + kw - first;
            System.arraycopy(x, in + y0 * w + first, columns, 0, span);
            for (int y = y0 + 1; y < y1; y++) {
                int r = in + y * w + first;
                if (max) {
                    for (int c = 0; c < span; c++) {
                        columns[c] = Math.max(columns[c], x[r + c]);
                    }
                } else {
                    for (int c = 0; c < span; c++) {
                        columns[c] = Math.min(columns[c], x[r + c]);
                    }
                }
            }
            for (int ox = lo; ox < hi; ox++) {
                int c0 = (ox - lo) * sw;
                float m = columns[c0];
                for (int kx = 1; kx < kw; kx++) {
                    m = max ? Math.max(m, columns[c0 + kx]) : Math.min(m, columns[c0 + kx]);
                }
                if (m == 0 || m != m) {
                    m = firstLike(x, in + y0 * w + ox * sw - p.padW(), w, y1 - y0, kw, m);
                }
                out[at + ox] = m;
            }
        }

        /** The first extremes of the output row, into {@link #indices} and {@link #values}. */
        void firstExtremes(float[] x, int in, int h, int w, Pool2dParams p, int oy, int ow, boolean max) {
            bounds(h, w, p, oy, ow);
            int sw = p.strideW();
            for (int ox = 0; ox < lo; ox++) {
                indices[ox] = clipped(x, in, w, p, ox, max);
                values[ox] = x[indices[ox]];
            }
            for (int ox = hi; ox < ow; ox++) {
                indices[ox] = clipped(x, in, w, p, ox, max);
                values[ox] = x[indices[ox]];
            }
            if (lo == hi) {
                return;
            }
            int first = in + y0 * w - p.padW();
            for (int ox = lo; ox < hi; ox++) {
                indices[ox] = first + ox * sw;
                values[ox] = x[indices[ox]];
            }
            for (int y = y0; y < y1; y++) {
                for (int kx = y == y0 ? 1 : 0; kx < p.kernelW(); kx++) {
                    int base = in + y * w - p.padW() + kx;
                    for (int ox = lo; ox < hi; ox++) {
                        int i = base + ox * sw;
                        float v = x[i];
                        float b = values[ox];
                        // replace on a more extreme value, or on the first NaN; a NaN already held stays
                        boolean better = (max ? v > b : v < b) | (v != v & b == b);
                        values[ox] = better ? v : b;
                        indices[ox] = better ? i : indices[ox];
                    }
                }
            }
        }

        /** The index of the first extreme of window ox, clipped to the plane. */
        private int clipped(float[] x, int in, int w, Pool2dParams p, int ox, boolean max) {
            int x0 = Math.max(0, ox * p.strideW() - p.padW());
            int x1 = Math.min(w, ox * p.strideW() - p.padW() + p.kernelW());
            return extreme(x, in, w, y0, y1, x0, x1, max);
        }
    }

    /**
     * The first element in row-major order of the rows x cols window at {@code corner} that is a NaN (when
     * {@code m} is one) or a zero of either sign (when {@code m} is zero): the first extreme when {@code m} is
     * the window's extreme.
     */
    private static float firstLike(float[] x, int corner, int w, int rows, int cols, float m) {
        boolean nan = m != m;
        for (int r = 0; r < rows; r++) {
            for (int i = corner + r * w, last = i + cols; i < last; i++) {
                float v = x[i];
                if (nan ? v != v : v == 0) {
                    return v;
                }
            }
        }
        return m;
    }

    /** The index of the first extreme of rows y0..y1-1, columns x0..x1-1 of the plane at {@code in}; NaN wins. */
    private static int extreme(float[] x, int in, int w, int y0, int y1, int x0, int x1, boolean max) {
        int best = in + y0 * w + x0;
        float value = x[best];
        if (value != value) {
            return best;
        }
        for (int y = y0; y < y1; y++) {
            for (int i = in + y * w + x0, last = in + y * w + x1; i < last; i++) {
                float v = x[i];
                if (v != v) {
                    return i;
                }
                if (max ? v > value : v < value) {
                    value = v;
                    best = i;
                }
            }
        }
        return best;
    }
}
