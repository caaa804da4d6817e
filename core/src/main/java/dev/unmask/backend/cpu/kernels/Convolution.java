package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.Conv2dParams;

import java.util.Arrays;

/**
 * 2-D convolution and its two gradients over NCHW arrays, as im2col plus {@link Gemm}, threaded over the
 * batch. The forward and the input gradient go to {@link DirectConvolution} instead when the channels they
 * produce fill its register tiles and the kernel is not pointwise, and the weight gradient of such a
 * kernel (undilated) packs its products from the same channels-last copy. For one image, with {@code CKK = C * kh * kw} and {@code P = outH * outW}:
 * forward {@code out[O, P] = W[O, CKK] cols[CKK, P]}; input gradient
 * {@code cols = W^T gradOut}, then col2im adds the columns back onto the image; weight gradient
 * {@code gradW += gradOut[O, P] cols^T} summed over the batch. A 1x1, stride-1, unpadded convolution
 * uses the image itself as its columns. The forward never stores the columns: the GEMM packs each block
 * of them straight from the image ({@link Gemm.PanelPacker}).
 *
 * <p>Kernel taps (ky, kx) whose weights are zero for every output and input channel (the masked taps of
 * a causal convolution) are left out of the forward product and the input gradient: their columns are
 * neither built nor multiplied, which removes 3 of the 25 taps of PixelSNAIL's 5x5 causal kernels. The
 * result differs from the full product only in that a non-finite input value under such a tap does not
 * turn into NaN (0 x inf). The weight gradient always covers every tap.
 */
public final class Convolution {
    /** Columns of one forward product at most: images are grouped up to this many output positions. */
    private static final int GROUP_COLUMNS = 2048;
    /**
     * Floats of the column gradient of one group at most (2 MiB): col2im reads it back right after the product
     * wrote it, which is much slower once it has left the cache.
     */
    private static final int GRADIENT_COLUMNS_FLOATS = 1 << 19;
    private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> GROUP_RESULT = ThreadLocal.withInitial(() -> new float[0]);

    /** Sizes of one convolution, input (n, c, h, w), weight (o, c, kh, kw), output (oh, ow). */
    public record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p) {
        int ckk() {
            return c * kh * kw;
        }

        int outPlane() {
            return oh * ow;
        }

        boolean pointwise() {
            return kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
        }
    }

    private Convolution() {
    }

    /**
     * {@code out[n, o] = bias[o] + sum_c,ky,kx w[o, c, ky, kx] x[n, c, ...]}; bias may be null. Returns the
     * new output. Images are multiplied in groups whose columns sit side by side ({@code W [O, CKK] times
     * cols [CKK, G P]}), so a small output plane does not leave most of the last register-tile strip
     * empty; one group per thread as far as the batch allows. With fewer groups than threads, the output
     * channels are split between threads too (each packs its own columns: a little duplicated work for
     * all threads busy).
     */
    public static float[] forward(FloatKernels k, Geometry g, float[] x, float[] weight, float[] bias) {
        if (DirectConvolution.applies(k, g, g.o(), g.c())) {
            return DirectConvolution.forward(k, g, x, weight, bias);
        }
        float[] out = new float[g.n() * g.o() * g.outPlane()];
        int[] taps = liveTaps(g, weight);
        float[] w = taps.length == g.kh() * g.kw() ? weight : compactWeight(g, weight, taps);
        int ckk = g.c() * taps.length;
        int plane = g.outPlane();
        int perGroup = Math.max(1, Math.min(ceilDiv(g.n(), ParallelFor.THREADS), GROUP_COLUMNS / plane));
        int groups = ceilDiv(g.n(), perGroup);
        int parts = groups >= ParallelFor.THREADS ? 1
                : Math.max(1, Math.min(ParallelFor.THREADS / groups, g.o() / 16));
        ParallelFor.range(groups * parts, (start, end) -> {
            for (int task = start; task < end; task++) {
                int n0 = task / parts * perGroup;
                int images = Math.min(perGroup, g.n() - n0);
                int o0 = (int) ((long) g.o() * (task % parts) / parts);
                int o1 = (int) ((long) g.o() * (task % parts + 1) / parts);
                // pointwise images are their own column matrices: read them in place
                Gemm.PanelPacker columns = g.pointwise()
                        ? imageColumns(x, n0 * ckk * plane, ckk * plane, plane)
                        : columnPacker(g, x, n0, taps);
                if (images == 1) {
                    Gemm.multiply(k, o1 - o0, plane, ckk, w, o0 * ckk, ckk, 1, columns, out, (n0 * g.o() + o0) * plane,
                            plane, false);
                } else {
                    // C [o1 - o0, images * plane], then each image's block into its place in out
                    int width = images * plane;
                    float[] block = workspace(GROUP_RESULT, (o1 - o0) * width);
                    Gemm.multiply(k, o1 - o0, width, ckk, w, o0 * ckk, ckk, 1, columns, block, 0, width, false);
                    for (int i = 0; i < images; i++) {
                        for (int o = o0; o < o1; o++) {
                            System.arraycopy(block, (o - o0) * width + i * plane, out, ((n0 + i) * g.o() + o) * plane, plane);
                        }
                    }
                }
                if (bias != null) {
                    for (int n = n0; n < n0 + images; n++) {
                        for (int o = o0; o < o1; o++) {
                            int base = (n * g.o() + o) * plane;
                            float b = bias[o];
                            for (int q = 0; q < plane; q++) {
                                out[base + q] += b;
                            }
                        }
                    }
                }
            }
        });
        return out;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * {@code y[n, o, :] += bias[o]} over [n, o, plane], the planes split between threads (a per-element
     * channel index, serial, was 7% of a faces-128 VQ-VAE forward on one thread).
     */
    public static void addBias(float[] y, float[] bias, int n, int o, int plane) {
        ParallelFor.range(n * o, (start, end) -> {
            for (int p = start; p < end; p++) {
                float b = bias[p % o];
                for (int q = p * plane; q < (p + 1) * plane; q++) {
                    y[q] += b;
                }
            }
        });
    }

    /**
     * Gradient with respect to the input: a new [n, c, h, w] array. As in {@link #forward}, images are taken in
     * groups whose columns sit side by side ({@code cols [CKK, G P] = W^T [CKK, O] times gradOut [O, G P]}), so
     * W^T is packed once per group rather than once per image and a small plane does not leave most of the
     * last register strip empty; then each image's block of the columns is added back onto its input.
     */
    public static float[] backwardInput(FloatKernels k, Geometry g, float[] gradOut, float[] weight) {
        if (DirectConvolution.applies(k, g, g.c(), g.o())) {
            return DirectConvolution.backwardInput(k, g, gradOut, weight);
        }
        if (asFlippedForward(g)) {
            Conv2dParams p = g.p();
            Geometry flipped = new Geometry(g.n(), g.o(), g.oh(), g.ow(), g.c(), g.kh(), g.kw(), g.h(), g.w(),
                    new Conv2dParams(1, 1, g.kh() - 1 - p.padH(), g.kw() - 1 - p.padW(), 1, 1, 0, 0));
            return forward(k, flipped, gradOut, flipTranspose(g, weight), null);
        }
        float[] gradX = new float[g.n() * g.c() * g.h() * g.w()];
        int[] taps = liveTaps(g, weight);
        float[] w = taps.length == g.kh() * g.kw() ? weight : compactWeight(g, weight, taps);
        int ckk = g.c() * taps.length;
        int plane = g.outPlane();
        // W^T once per call: packing it per group from W would read one cache line per element
        float[] wt = transpose(w, g.o(), ckk);
        int perGroup = Math.max(1, Math.min(ceilDiv(g.n(), ParallelFor.THREADS),
                Math.min(GROUP_COLUMNS, GRADIENT_COLUMNS_FLOATS / Math.max(1, ckk)) / plane));
        int groups = ceilDiv(g.n(), perGroup);
        ParallelFor.range(groups, (start, end) -> {
            for (int group = start; group < end; group++) {
                int n0 = group * perGroup;
                int images = Math.min(perGroup, g.n() - n0);
                int width = images * plane;
                Gemm.PanelPacker gradOutColumns = imageColumns(gradOut, n0 * g.o() * plane, g.o() * plane, plane);
                if (g.pointwise() && images == 1) {
                    Gemm.multiply(k, ckk, plane, g.o(), wt, 0, g.o(), 1, gradOutColumns, gradX, n0 * ckk * plane,
                            plane, false);
                    continue;
                }
                float[] cols = workspace(ckk * width);
                Gemm.multiply(k, ckk, width, g.o(), wt, 0, g.o(), 1, gradOutColumns, cols, 0, width, false);
                for (int i = 0; i < images; i++) {
                    if (g.pointwise()) {
                        for (int c = 0; c < ckk; c++) {
                            System.arraycopy(cols, c * width + i * plane, gradX, ((n0 + i) * ckk + c) * plane, plane);
                        }
                    } else {
                        col2im(g, cols, i * plane, width, gradX, n0 + i, taps);
                    }
                }
            }
        });
        return gradX;
    }

    /**
     * Whether the input gradient of this convolution is computed as the stride-1 convolution of the output
     * gradient with the flipped, transposed kernel and padding {@code k - 1 - pad}: for an undilated stride-1
     * kernel that reads too few output channels per kernel row for the direct path (a decoder's last layer, 64
     * channels to 3). Its im2col product would have a depth of only {@code o} and write {@code c * kh * kw} columns
     * per position for col2im to add back (64 x 9 x 224 x 224 floats per image); as a forward convolution the
     * depth is {@code o * kh * kw} and the columns are packed straight from the gradient.
     */
    private static boolean asFlippedForward(Geometry g) {
        Conv2dParams p = g.p();
        return !g.pointwise() && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1
                && p.padH() < g.kh() && p.padW() < g.kw() && g.o() * g.kw() < DirectConvolution.MIN_RUN;
    }

    /** {@code out[c, o, ky, kx] = w[o, c, kh - 1 - ky, kw - 1 - kx]}: the kernel of the input gradient as a forward convolution. */
    private static float[] flipTranspose(Geometry g, float[] w) {
        int kk = g.kh() * g.kw();
        float[] out = new float[w.length];
        for (int o = 0; o < g.o(); o++) {
            for (int c = 0; c < g.c(); c++) {
                for (int t = 0; t < kk; t++) {
                    out[(c * g.o() + o) * kk + kk - 1 - t] = w[(o * g.c() + c) * kk + t];
                }
            }
        }
        return out;
    }

    /**
     * Packs the matrix whose rows are the channels and whose columns are the positions of consecutive images,
     * image after image: entry (row r, column i * plane + q) is {@code src[base + i * imageStride + r * plane + q]}.
     */
    private static Gemm.PanelPacker imageColumns(float[] src, int base, int imageStride, int plane) {
        return (row0, rows, col0, cols, width, out) -> {
            int colEnd = col0 + cols;
            for (int s = 0, q0 = col0; q0 < colEnd; s++, q0 += width) {
                int end = Math.min(q0 + width, colEnd);
                for (int r = 0; r < rows; r++) {
                    int dst = (s * rows + r) * width;
                    for (int q = q0; q < end; ) {
                        int image = q / plane;
                        int at = q - image * plane;
                        int len = Math.min(plane - at, end - q);
                        System.arraycopy(src, base + image * imageStride + (row0 + r) * plane + at, out, dst + q - q0, len);
                        q += len;
                    }
                    zero(out, dst + end - q0, dst + width);
                }
            }
        };
    }

    /**
     * Gradient with respect to the weight: a new [o, c, kh, kw] array, summed over the batch. The threads split the
     * result (its rows, the output channels, or its columns, taps and channels, whichever is longer), not the
     * images: each element is the sum over the images in order, so the gradient, and training with it, does not
     * depend on the thread count. Undilated kernels take {@link DirectConvolution}'s per-image product, which packs
     * from a channels-last copy; dilated ones multiply the im2col columns.
     */
    public static float[] backwardWeight(FloatKernels k, Geometry g, float[] x, float[] gradOut) {
        return backwardWeight(k, g, x, gradOut, ParallelFor.THREADS);
    }

    /**
     * {@link #backwardWeight(FloatKernels, Geometry, float[], float[])} cut into {@code parts} blocks of whole
     * register strips; the result is the same, bit for bit, for every {@code parts}. Each block packs its own copy
     * of the operand it does not split, one image at a time (the output gradient's rows for a column block, the
     * columns for a row block; for dilated kernels the whole im2col columns): the split runs along the longer
     * side of the result so that this copy is the smaller operand.
     */
    static float[] backwardWeight(FloatKernels k, Geometry g, float[] x, float[] gradOut, int parts) {
        boolean direct = DirectConvolution.appliesToWeight(g);
        int ckk = g.ckk();
        int plane = g.outPlane();
        boolean byRows = g.o() > ckk;
        int unit = byRows ? k.stripHeight() : k.stripWidth();
        int length = byRows ? g.o() : ckk;
        int units = ceilDiv(length, unit);
        int blocks = Math.max(1, Math.min(parts, units));
        int[] allTaps = allTaps(g);
        float[] gradW = new float[g.o() * ckk];
        ParallelFor.range(blocks, (start, end) -> {
            for (int block = start; block < end; block++) {
                int from = (int) ((long) units * block / blocks) * unit;
                int to = Math.min(length, (int) ((long) units * (block + 1) / blocks) * unit);
                int row0 = byRows ? from : 0;
                int rows = byRows ? to - from : g.o();
                int col0 = byRows ? 0 : from;
                int cols = byRows ? ckk : to - from;
                for (int n = 0; n < g.n(); n++) {
                    if (direct) {
                        DirectConvolution.addWeightGradient(k, g, x, gradOut, n, gradW, row0, rows, col0, cols);
                        continue;
                    }
                    float[] columns = columnsOf(g, x, n, allTaps);
                    int colOff = g.pointwise() ? n * ckk * plane : 0;
                    Gemm.multiply(k, rows, cols, plane, gradOut, (n * g.o() + row0) * plane, plane, 1, columns,
                            colOff + col0 * plane, 1, plane, gradW, row0 * ckk + col0, ckk, true);
                }
            }
        });
        return direct ? DirectConvolution.tapsLastToNchw(g, gradW) : gradW;
    }

    /**
     * The columns of image {@code n} for the given taps: the input itself for a pointwise convolution, else a
     * thread-local im2col buffer.
     */
    private static float[] columnsOf(Geometry g, float[] x, int n, int[] taps) {
        if (g.pointwise()) {
            return x;
        }
        float[] cols = workspace(g.c() * taps.length * g.outPlane());
        im2col(g, x, n, taps, cols);
        return cols;
    }

    /**
     * Packs blocks of the im2col matrix of the images from {@code n0} on (rows {@code c * T + t} for the T
     * taps, column {@code i * P + q} the output position q of image {@code n0 + i}) straight from the
     * images, so the columns are never stored whole.
     */
    private static Gemm.PanelPacker columnPacker(Geometry g, float[] x, int n0, int[] taps) {
        Conv2dParams p = g.p();
        int ow = g.ow();
        int sw = p.strideW();
        int plane = g.outPlane();
        int image = g.c() * g.h() * g.w();
        return (row0, rows, col0, cols, width, out) -> {
            int colEnd = col0 + cols;
            int firstImage = col0 / plane;
            int firstRow = (col0 - firstImage * plane) / ow;
            int firstColumn = col0 - firstImage * plane - firstRow * ow;
            for (int r = 0; r < rows; r++) {
                int row = row0 + r;
                int c = row / taps.length;
                int ky = taps[row % taps.length] / g.kw();
                int kx = taps[row % taps.length] % g.kw();
                int channelBase = (n0 * g.c() + c) * g.h() * g.w();
                int dx = kx * p.dilationW() - p.padW();
                int dy = ky * p.dilationH() - p.padH();
                int oxLo = Math.min(ow, firstInside(dx, sw));
                int oxHi = Math.max(oxLo, Math.min(ow, lastInsideExclusive(dx, sw, g.w())));
                // the output position (image i, row oy, column ox) of column q, advanced run by run: these
                // rows are packed for every block of every product, and short runs (16 columns in PixelSNAIL)
                // made per-run divisions and library calls a sizeable share of a convolution
                int i = firstImage;
                int oy = firstRow;
                int ox = firstColumn;
                int q = col0;
                for (int s = 0, q0 = col0; q0 < colEnd; s++, q0 += width) {
                    int dst = (s * rows + r) * width;
                    int end = Math.min(q0 + width, colEnd);
                    while (q < end) {
                        int len = Math.min(ow - ox, end - q);
                        int at = dst + (q - q0);
                        int iy = oy * p.strideH() + dy;
                        if (iy < 0 || iy >= g.h()) {
                            zero(out, at, at + len);
                        } else {
                            int src = channelBase + i * image + iy * g.w() + dx;
                            int lo = Math.min(Math.max(ox, oxLo), ox + len);
                            int hi = Math.max(Math.min(ox + len, oxHi), lo);
                            zero(out, at, at + lo - ox);
                            if (sw == 1 && hi > lo) {
                                // past the right border src + lo may lie beyond the array, even for an empty run
                                System.arraycopy(x, src + lo, out, at + lo - ox, hi - lo);
                            } else {
                                for (int o = lo; o < hi; o++) {
                                    out[at + o - ox] = x[src + o * sw];
                                }
                            }
                            zero(out, at + hi - ox, at + len);
                        }
                        q += len;
                        ox += len;
                        if (ox == ow) {
                            ox = 0;
                            if (++oy == g.oh()) {
                                oy = 0;
                                i++;
                            }
                        }
                    }
                    zero(out, dst + (end - q0), dst + width);
                }
            }
        };
    }

    /** Zeroes {@code a[from, to)}; a plain loop, since the ranges here are mostly empty or a few elements. */
    private static void zero(float[] a, int from, int to) {
        for (int k = from; k < to; k++) {
            a[k] = 0f;
        }
    }

    /** Every tap {@code ky * kw + kx} of the kernel, in order. */
    static int[] allTaps(Geometry g) {
        int[] taps = new int[g.kh() * g.kw()];
        for (int t = 0; t < taps.length; t++) {
            taps[t] = t;
        }
        return taps;
    }

    /**
     * The taps {@code ky * kw + kx}, in order, that hold a non-zero weight for some output and input channel.
     * A masked tap is only known to be dead after reading all its weights, so the scan is split over the
     * output channels between threads.
     */
    static int[] liveTaps(Geometry g, float[] weight) {
        int kk = g.kh() * g.kw();
        int perOutput = g.c() * kk;
        int parts = Math.max(1, Math.min(ParallelFor.THREADS, g.o()));
        boolean[][] live = new boolean[parts][kk];
        ParallelFor.range(parts, (start, end) -> {
            for (int part = start; part < end; part++) {
                boolean[] mine = live[part];
                int count = 0;
                int from = (int) ((long) g.o() * part / parts) * perOutput;
                int to = (int) ((long) g.o() * (part + 1) / parts) * perOutput;
                for (int i = from; i < to && count < kk; i++) {
                    int t = i % kk;
                    if (!mine[t] && weight[i] != 0f) {
                        mine[t] = true;
                        count++;
                    }
                }
            }
        });
        int count = 0;
        boolean[] any = new boolean[kk];
        for (int t = 0; t < kk; t++) {
            for (boolean[] part : live) {
                any[t] |= part[t];
            }
            count += any[t] ? 1 : 0;
        }
        int[] taps = new int[count];
        for (int t = 0, j = 0; t < kk; t++) {
            if (any[t]) {
                taps[j++] = t;
            }
        }
        return taps;
    }

    /** The transpose [cols, rows] of a row-major [rows, cols] matrix, blocks of rows split between threads. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        ParallelFor.range(rows, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = m[r * cols + c];
                }
            }
        });
        return t;
    }

    /** The weight [O, C, kh, kw] restricted to {@code taps}: [O, C * taps], row o ordered (c, tap). */
    private static float[] compactWeight(Geometry g, float[] weight, int[] taps) {
        int kk = g.kh() * g.kw();
        float[] out = new float[g.o() * g.c() * taps.length];
        ParallelFor.range(g.o(), (start, end) -> {
            for (int oc = start * g.c(), j = oc * taps.length; oc < end * g.c(); oc++) {
                for (int tap : taps) {
                    out[j++] = weight[oc * kk + tap];
                }
            }
        });
        return out;
    }

    private static float[] workspace(int size) {
        return workspace(COLUMNS, size);
    }

    /** The thread's buffer in {@code slot}, grown to at least {@code size} floats; contents undefined. */
    static float[] workspace(ThreadLocal<float[]> slot, int size) {
        float[] buf = slot.get();
        if (buf.length < size) {
            buf = new float[size];
            slot.set(buf);
        }
        return buf;
    }

    /**
     * {@code cols[c * T + t, oy * ow + ox] = x[n, c, oy * sh - ph + ky * dh, ox * sw - pw + kx * dw]}, 0 outside,
     * for the T taps {@code taps[t] = ky * kw + kx}.
     */
    static void im2col(Geometry g, float[] x, int n, int[] taps, float[] cols) {
        Conv2dParams p = g.p();
        int plane = g.outPlane();
        int ow = g.ow();
        for (int c = 0; c < g.c(); c++) {
            int xBase = (n * g.c() + c) * g.h() * g.w();
            for (int t = 0; t < taps.length; t++) {
                int ky = taps[t] / g.kw();
                int kx = taps[t] % g.kw();
                int row = (c * taps.length + t) * plane;
                int dx = kx * p.dilationW() - p.padW();
                int oxLo = Math.min(ow, firstInside(dx, p.strideW()));
                int oxHi = Math.max(oxLo, Math.min(ow, lastInsideExclusive(dx, p.strideW(), g.w())));
                for (int oy = 0; oy < g.oh(); oy++) {
                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                    int dst = row + oy * ow;
                    if (iy < 0 || iy >= g.h() || oxLo == oxHi) {
                        Arrays.fill(cols, dst, dst + ow, 0f);
                        continue;
                    }
                    int src = xBase + iy * g.w() + dx;
                    if (oxLo > 0) {
                        Arrays.fill(cols, dst, dst + oxLo, 0f);
                    }
                    if (p.strideW() == 1) {
                        System.arraycopy(x, src + oxLo, cols, dst + oxLo, oxHi - oxLo);
                    } else {
                        for (int ox = oxLo; ox < oxHi; ox++) {
                            cols[dst + ox] = x[src + ox * p.strideW()];
                        }
                    }
                    if (oxHi < ow) {
                        Arrays.fill(cols, dst + oxHi, dst + ow, 0f);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every column entry onto the input position it was read from. Entry
     * (row r, position q) of the columns is {@code cols[off + r * ld + q]}.
     */
    static void col2im(Geometry g, float[] cols, int off, int ld, float[] gradX, int n, int[] taps) {
        Conv2dParams p = g.p();
        int stride = p.strideW();
        for (int c = 0; c < g.c(); c++) {
            int xBase = (n * g.c() + c) * g.h() * g.w();
            for (int t = 0; t < taps.length; t++) {
                int ky = taps[t] / g.kw();
                int kx = taps[t] % g.kw();
                int row = off + (c * taps.length + t) * ld;
                int dx = kx * p.dilationW() - p.padW();
                int oxLo = firstInside(dx, stride);
                int oxHi = Math.min(g.ow(), lastInsideExclusive(dx, stride, g.w()));
                for (int oy = 0; oy < g.oh(); oy++) {
                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                    if (iy < 0 || iy >= g.h()) {
                        continue;
                    }
                    int src = row + oy * g.ow();
                    int dst = xBase + iy * g.w() + dx;
                    if (stride == 1) {
                        for (int ox = oxLo; ox < oxHi; ox++) {
                            gradX[dst + ox] += cols[src + ox];
                        }
                    } else {
                        for (int ox = oxLo; ox < oxHi; ox++) {
                            gradX[dst + ox * stride] += cols[src + ox];
                        }
                    }
                }
            }
        }
    }

    /** Smallest ox with {@code ox * stride + dx >= 0}. */
    private static int firstInside(int dx, int stride) {
        return dx >= 0 ? 0 : (-dx + stride - 1) / stride;
    }

    /** Smallest ox with {@code ox * stride + dx >= width} (the exclusive end of the inside range). */
    private static int lastInsideExclusive(int dx, int stride, int width) {
        int need = width - dx;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }
}
