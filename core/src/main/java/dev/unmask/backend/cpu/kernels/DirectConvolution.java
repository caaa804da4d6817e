package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.Conv2dParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The forward convolution and its input gradient (also the transposed convolution) computed directly over a
 * zero-padded channels-last copy of the input, with no im2col columns: each register tile of
 * {@link FloatKernels#directKernel} reads, for each of its output positions, a contiguous run of the input
 * (the taps of one kernel row times all channels) and broadcasts it against packed weights whose output
 * channels fill the vector lanes. In the im2col path every column entry is gathered once per product and
 * the input gradient scatters its columns back (col2im); here the input is copied once and the output
 * transposed once, both the size of an activation.
 *
 * <p>The input gradient of a stride-s convolution is split into s x s phases of the gradient's positions
 * (those with the same {@code iy mod sh}, {@code ix mod sw}); within a phase every position receives the same
 * taps from consecutive positions of the output gradient, so each phase is a stride-1 direct convolution
 * with a sub-kernel. Kernel taps whose weights are all zero (causal masks) are left out, as in
 * {@link Convolution}.
 *
 * <p>Used when the channels produced are a multiple of {@link FloatKernels#directWidth()}, the kernel is not
 * pointwise and a kernel row's run is at least {@link #MIN_RUN} floats; other products keep the im2col path.
 */
public final class DirectConvolution {
    /** Tiles of output positions that one thread finishes for every channel strip before going on. */
    private static final int TILES_PER_BLOCK = 8;
    private static final ThreadLocal<float[]> PADDED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> RESULT = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * The shortest run (channels read x kernel width) taken directly: shorter runs leave each register tile's
     * depth loop a few steps long between its loads and stores of C. Measured, one thread, best of 15, direct
     * against im2col: 3 -> 64 channels 4x4 stride 2 on 128 x 128 (run 12) 16.1 and 14.0 against 8.9 ms; 8 -> 64 3x3
     * (run 24) 14.3 against 9.8; 16 -> 64 3x3 (48) 19.9 against 17.1; 16 -> 64 4x4 stride 2 (64) 8.0 against 9.7;
     * 32 -> 64 3x3 (96) 32.4 against 33.1.
     */
    static final int MIN_RUN = 64;
    /**
     * Runs up to this length are copied by a plain loop instead of {@code System.arraycopy}: the weight gradient of
     * Meso-4's first layer packs runs of 2 to 9 floats, millions per step (see benchmarks/README.md, MesoNet training).
     */
    private static final int SHORT_COPY = 16;

    private DirectConvolution() {
    }

    /**
     * Whether the direct path computes a product of this convolution that produces {@code produced} channels from
     * {@code read} channels: the produced ones must fill the register tiles, the kernel must not be pointwise (a 1x1
     * convolution's images are already its im2col columns, read in place; through the layout changes it measured
     * 20-50% slower), and a kernel row's run must reach {@link #MIN_RUN}.
     */
    public static boolean applies(FloatKernels k, Convolution.Geometry g, int produced, int read) {
        return !g.pointwise() && produced % k.directWidth() == 0 && read * g.kw() >= MIN_RUN;
    }

    /**
     * One tap of a phase: the input position read for grid position (a, b) is
     * {@code (a * strideY + dy, b * strideX + dx)}; {@code ky, kx} name the kernel tap.
     */
    private record Tap(int ky, int kx, int dy, int dx) {
    }

    /**
     * The output positions {@code (y0 + a * stepY, x0 + b * stepX)} for a &lt; rows, b &lt; cols, each the sum over
     * {@code taps} of the input around {@code (a * strideY, b * strideX)}.
     */
    private record Phase(int y0, int x0, int rows, int cols, List<Tap> taps) {
    }

    /** {@code out[n, o] = bias[o] + sum w[o, c, ky, kx] x[n, c, ...]}, as {@link Convolution#forward}. */
    public static float[] forward(FloatKernels k, Convolution.Geometry g, float[] x, float[] weight, float[] bias) {
        Conv2dParams p = g.p();
        Phase phase = forwardPhase(g, Convolution.liveTaps(g, weight));
        float[] out = new float[g.n() * g.o() * g.outPlane()];
        // forward weight [o, c, ky, kx]: produced channel o, read channel c
        WeightView view = (produced, read, ky, kx) -> weight[((produced * g.c() + read) * g.kh() + ky) * g.kw() + kx];
        run(k, g.n(), g.c(), g.h(), g.w(), p.strideH(), p.strideW(), x, g.o(), g.oh(), g.ow(), 1, 1,
                List.of(phase), view, bias, out);
        return out;
    }

    /** The forward's one phase: every output position, reading {@code taps} ({@code ky * kw + kx}) around it. */
    private static Phase forwardPhase(Convolution.Geometry g, int[] taps) {
        Conv2dParams p = g.p();
        List<Tap> list = new ArrayList<>();
        for (int t : taps) {
            int ky = t / g.kw();
            int kx = t % g.kw();
            list.add(new Tap(ky, kx, ky * p.dilationH() - p.padH(), kx * p.dilationW() - p.padW()));
        }
        return new Phase(0, 0, g.oh(), g.ow(), list);
    }

    /** The gradient with respect to the input, a new [n, c, h, w] array, as {@link Convolution#backwardInput}. */
    public static float[] backwardInput(FloatKernels k, Convolution.Geometry g, float[] gradOut, float[] weight) {
        Conv2dParams p = g.p();
        int[] live = Convolution.liveTaps(g, weight);
        int sh = p.strideH();
        int sw = p.strideW();
        List<Phase> phases = new ArrayList<>();
        for (int py = 0; py < Math.min(sh, g.h()); py++) {
            for (int px = 0; px < Math.min(sw, g.w()); px++) {
                List<Tap> taps = new ArrayList<>();
                for (int t : live) {
                    int ky = t / g.kw();
                    int kx = t % g.kw();
                    // gradX[iy] gathers gradOut[oy] for oy * sh - ph + ky * dh = iy; with iy = a * sh + py that is
                    // oy = a + (py + ph - ky * dh) / sh when the division is exact
                    int ny = py + p.padH() - ky * p.dilationH();
                    int nx = px + p.padW() - kx * p.dilationW();
                    if (Math.floorMod(ny, sh) == 0 && Math.floorMod(nx, sw) == 0) {
                        taps.add(new Tap(ky, kx, Math.floorDiv(ny, sh), Math.floorDiv(nx, sw)));
                    }
                }
                phases.add(new Phase(py, px, Convolution.ceilDiv(g.h() - py, sh), Convolution.ceilDiv(g.w() - px, sw),
                        taps));
            }
        }
        float[] gradX = new float[g.n() * g.c() * g.h() * g.w()];
        // the adjoint reads the forward weight [o, c, ky, kx] with the roles swapped: produced c, read o
        WeightView view = (produced, read, ky, kx) -> weight[((read * g.c() + produced) * g.kh() + ky) * g.kw() + kx];
        run(k, g.n(), g.o(), g.oh(), g.ow(), 1, 1, gradOut, g.c(), g.h(), g.w(), sh, sw, phases, view, null, gradX);
        return gradX;
    }

    /** Whether {@link #addWeightGradient} computes this convolution's weight gradient: undilated, not pointwise. */
    public static boolean appliesToWeight(Convolution.Geometry g) {
        return !g.pointwise() && g.p().dilationH() == 1 && g.p().dilationW() == 1;
    }

    /**
     * Adds image {@code n}'s share of the weight gradient to rows {@code [row0, row0 + rows)} (output channels) and
     * columns {@code [col0, col0 + cols)} of {@code acc}, laid out [o, ky, kx, c] (see {@link #tapsLastToNchw}), as
     * the product {@code gradOut [O, P] times B [P, (ky, kx, c)]}. B is packed from the image's channels-last copy,
     * where the taps (kx, c) of one kernel row at one output position are a single contiguous run: copies, instead
     * of gathering the transposed im2col columns element by element a plane apart.
     */
    static void addWeightGradient(FloatKernels k, Convolution.Geometry g, float[] x, float[] gradOut, int n,
                                  float[] acc, int row0, int rows, int col0, int cols) {
        Conv2dParams p = g.p();
        // every tap is read (masked ones too); undilated, so the copy's top and left margins are (ph, pw)
        Padded pad = padding(List.of(forwardPhase(g, Convolution.allTaps(g))), g.c(), g.h(), g.w(),
                p.strideH(), p.strideW());
        int run = g.kw() * g.c();
        int size = pad.padH() * pad.padW() * pad.c();
        float[] src = Convolution.workspace(PADDED, size);
        zeroTopAndBottom(pad, src);
        channelsLast(k, x, n, pad, 0, g.h(), src);
        // B's rows are output positions; the product's column j is B's column col0 + j
        int rowStride = pad.padW() * pad.c();
        Gemm.PanelPacker taps = (position0, positions, from, count, width, out) -> {
            int first = col0 + from;
            int oy = position0 / g.ow();
            int ox = position0 % g.ow();
            for (int r = 0; r < positions; r++) {
                // the padded copy puts input row oy * sh + ky - ph at oy * sh + ky
                int corner = (oy * p.strideH() * pad.padW() + ox * p.strideW()) * pad.c();
                for (int s = 0, j0 = first; j0 < first + count; s++, j0 += width) {
                    int stop = Math.min(j0 + width, first + count);
                    int dst = (s * positions + r) * width - j0;
                    for (int j = j0; j < stop; ) {
                        int ky = j / run;
                        int len = Math.min((ky + 1) * run, stop) - j;
                        copy(src, corner + ky * rowStride + j - ky * run, out, dst + j, len);
                        j += len;
                    }
                    for (int j = stop; j < j0 + width; j++) {
                        out[dst + j] = 0f;
                    }
                }
                if (++ox == g.ow()) {
                    ox = 0;
                    oy++;
                }
            }
        };
        int plane = g.outPlane();
        Gemm.multiply(k, rows, cols, plane, gradOut, (n * g.o() + row0) * plane, plane, 1, taps, acc,
                row0 * g.ckk() + col0, g.ckk(), true);
    }

    /** {@code System.arraycopy}, by a plain loop for runs of at most {@link #SHORT_COPY} floats. */
    private static void copy(float[] from, int fromIndex, float[] to, int toIndex, int length) {
        if (length > SHORT_COPY) {
            System.arraycopy(from, fromIndex, to, toIndex, length);
            return;
        }
        for (int i = 0; i < length; i++) {
            to[toIndex + i] = from[fromIndex + i];
        }
    }

    /** A weight gradient laid out [o, ky, kx, c], as {@link #addWeightGradient} sums it, in [o, c, ky, kx]. */
    static float[] tapsLastToNchw(Convolution.Geometry g, float[] tapsLast) {
        int kk = g.kh() * g.kw();
        float[] gradW = new float[tapsLast.length];
        for (int o = 0; o < g.o(); o++) {
            for (int tap = 0; tap < kk; tap++) {
                for (int c = 0; c < g.c(); c++) {
                    gradW[(o * g.c() + c) * kk + tap] = tapsLast[(o * kk + tap) * g.c() + c];
                }
            }
        }
        return gradW;
    }

    /** A kernel weight by produced channel, read channel and tap. */
    @FunctionalInterface
    private interface WeightView {
        float at(int produced, int read, int ky, int kx);
    }

    /**
     * A phase ready to run: its taps in reading order, their runs, its packed weights, one image's tile bases, and
     * whether runs over all-zero rows may be skipped (every weight finite).
     */
    private record Plan(Phase phase, int depth, int tiles, int[] bases, int[] deltas, int[] offsets, int[] lengths,
                        float[] packed, boolean skipsZeroRows) {
    }

    /**
     * Computes every phase: {@code out[n, o, y0 + a * stepY, x0 + b * stepX]} from the [n, inC, inH, inW] input
     * {@code in}, read at strides (strideY, strideX) per grid position. Positions no phase covers stay zero.
     * Image by image, so that an image's channels-last copy and result stay in cache between the layout
     * changes and the product; images are split between threads, or one image's tiles when the batch is
     * smaller than the thread count.
     */
    private static void run(FloatKernels k, int n, int inC, int inH, int inW, int strideY, int strideX, float[] in,
                            int outC, int outH, int outW, int stepY, int stepX, List<Phase> phases,
                            WeightView weight, float[] bias, float[] out) {
        Padded pad = padding(phases, inC, inH, inW, strideY, strideX);
        List<Plan> plans = new ArrayList<>();
        for (Phase ph : phases) {
            plans.add(plan(k, ph, pad, strideY, strideX, outC, weight));
        }
        Output target = new Output(outC, outH, outW, stepY, stepX, bias, out);
        if (n >= ParallelFor.THREADS) {
            ParallelFor.range(n, (start, end) -> {
                for (int img = start; img < end; img++) {
                    image(k, img, false, in, pad, plans, target);
                }
            });
        } else {
            for (int img = 0; img < n; img++) {
                image(k, img, true, in, pad, plans, target);
            }
        }
    }

    /** The channels-last copy that every read of every phase needs, so that the kernel never tests bounds. */
    private static Padded padding(List<Phase> phases, int c, int h, int w, int strideY, int strideX) {
        int top = 0;
        int left = 0;
        int bottom = h;
        int right = w;
        for (Phase ph : phases) {
            for (Tap t : ph.taps()) {
                top = Math.max(top, -t.dy());
                left = Math.max(left, -t.dx());
                bottom = Math.max(bottom, (ph.rows() - 1) * strideY + t.dy() + 1);
                right = Math.max(right, (ph.cols() - 1) * strideX + t.dx() + 1);
            }
        }
        return new Padded(c, h, w, top, left, top + bottom, left + right);
    }

    /** The channels-last copy of one image: channels c, size h x w placed at (top, left) of padH x padW. */
    private record Padded(int c, int h, int w, int top, int left, int padH, int padW) {
    }

    /** Where results go: [n, c, h, w] positions (y0 + a * stepY, x0 + b * stepX) of each phase, plus the bias. */
    private record Output(int c, int h, int w, int stepY, int stepX, float[] bias, float[] out) {
    }

    private static Plan plan(FloatKernels k, Phase ph, Padded pad, int strideY, int strideX, int outC,
                             WeightView weight) {
        List<Tap> taps = new ArrayList<>(ph.taps());
        taps.sort(Comparator.comparingInt(Tap::dy).thenComparingInt(Tap::dx));
        List<int[]> segments = segments(taps);
        int positions = ph.rows() * ph.cols();
        int rowsPerTile = k.directRows();
        int tiles = Convolution.ceilDiv(positions, rowsPerTile);
        int[] bases = new int[tiles * rowsPerTile];
        for (int q = 0; q < bases.length; q++) {
            // padding positions of the last tile repeat the last real one; their results are not read
            int at = Math.min(q, positions - 1);
            int a = at / ph.cols();
            int b = at % ph.cols();
            bases[q] = ((pad.top() + a * strideY) * pad.padW() + pad.left() + b * strideX) * pad.c();
        }
        int[] deltas = new int[segments.size()];
        int[] offsets = new int[segments.size()];
        int[] lengths = new int[segments.size()];
        for (int s = 0, p = 0; s < segments.size(); s++) {
            Tap first = taps.get(segments.get(s)[0]);
            deltas[s] = (first.dy() * pad.padW() + first.dx()) * pad.c();
            offsets[s] = p;
            lengths[s] = segments.get(s)[1] * pad.c();
            p += lengths[s];
        }
        float[] packed = taps.isEmpty() ? new float[0] : pack(k, taps, pad.c(), outC, weight);
        return new Plan(ph, taps.size() * pad.c(), tiles, bases, deltas, offsets, lengths, packed, allFinite(packed));
    }

    /**
     * Every phase of image {@code img}; {@code parallel}: split the work of this image between threads. A tile's
     * run of taps is skipped where all its positions read rows of the copy that are entirely zero (the margins,
     * and the rows a causal convolution's explicit padding added on top): those products are all zero, so the sums
     * are unchanged (the 5x5 causal convolutions of PixelSNAIL on a 16 x 16 grid skip up to 14% of their taps).
     * Not when a weight is infinite or NaN, whose product with zero is NaN.
     */
    private static void image(FloatKernels k, int img, boolean parallel, float[] in, Padded pad, List<Plan> plans,
                              Output target) {
        float[] src = Convolution.workspace(PADDED, pad.padH() * pad.padW() * pad.c());
        zeroTopAndBottom(pad, src);
        boolean[] zeroRows = new boolean[pad.padH()];
        Arrays.fill(zeroRows, 0, pad.top(), true);
        Arrays.fill(zeroRows, pad.top() + pad.h(), pad.padH(), true);
        loop(parallel, pad.h(), (start, end) -> {
            channelsLast(k, in, img, pad, start, end, src);
            int run = pad.w() * pad.c();
            for (int y = start; y < end; y++) {
                zeroRows[pad.top() + y] = allZero(src, ((pad.top() + y) * pad.padW() + pad.left()) * pad.c(), run);
            }
        });
        int width = k.directWidth();
        int strips = target.c() / width;
        int rowsPerTile = k.directRows();
        int outC = target.c();
        int rowLength = pad.padW() * pad.c();
        for (Plan plan : plans) {
            int positions = plan.phase().rows() * plan.phase().cols();
            int blocks = Convolution.ceilDiv(plan.tiles(), TILES_PER_BLOCK);
            int segments = plan.deltas().length;
            loop(parallel, blocks, (start, end) -> {
                // one block's results, written back to NCHW while they are still in L1
                float[] result = Convolution.workspace(RESULT, TILES_PER_BLOCK * rowsPerTile * outC);
                boolean[] live = new boolean[TILES_PER_BLOCK * segments];
                for (int block = start; block < end; block++) {
                    int t0 = block * TILES_PER_BLOCK;
                    int t1 = Math.min(plan.tiles(), t0 + TILES_PER_BLOCK);
                    markLiveRuns(plan, t0, t1, rowsPerTile, rowLength, zeroRows, live);
                    for (int strip = 0; strip < strips; strip++) {
                        for (int t = t0; t < t1; t++) {
                            int q0 = t * rowsPerTile;
                            int at = (t - t0) * rowsPerTile * outC + strip * width;
                            boolean written = false;
                            for (int s = 0; s < segments; s++) {
                                if (live[(t - t0) * segments + s]) {
                                    k.directKernel(plan.lengths()[s], src, plan.bases(), q0, plan.deltas()[s],
                                            plan.packed(), (strip * plan.depth() + plan.offsets()[s]) * width, result,
                                            at, outC, written);
                                    written = true;
                                }
                            }
                            if (!written) {
                                // every tap skipped, or none live (all weights zero): the bias alone, or nothing
                                for (int r = 0; r < rowsPerTile; r++) {
                                    Arrays.fill(result, at + r * outC, at + r * outC + width, 0f);
                                }
                            }
                        }
                    }
                    scatter(k, result, img, plan.phase(), t0 * rowsPerTile, Math.min(positions, t1 * rowsPerTile), target);
                }
            });
        }
    }

    /**
     * For tiles [t0, t1) and every segment s, {@code live[(t - t0) * segments + s]}: whether the tile's run of
     * segment s must be computed (some position reads a row of the copy that is not all zero, or no run may be
     * skipped).
     */
    private static void markLiveRuns(Plan plan, int t0, int t1, int rowsPerTile, int rowLength, boolean[] zeroRows,
                                     boolean[] live) {
        int segments = plan.deltas().length;
        for (int t = t0; t < t1; t++) {
            for (int s = 0; s < segments; s++) {
                live[(t - t0) * segments + s] = !plan.skipsZeroRows()
                        || !readsOnlyZeroRows(plan, t * rowsPerTile, rowsPerTile, s, rowLength, zeroRows);
            }
        }
    }

    /** Whether every position of the tile at {@code q0} reads segment {@code s} from a row of the copy that is all zero. */
    private static boolean readsOnlyZeroRows(Plan plan, int q0, int rows, int s, int rowLength, boolean[] zeroRows) {
        for (int r = 0; r < rows; r++) {
            // a segment's taps share their dy, so its whole run lies in one row of the copy
            if (!zeroRows[(plan.bases()[q0 + r] + plan.deltas()[s]) / rowLength]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (x[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void loop(boolean parallel, int n, ParallelFor.RangeBody body) {
        if (parallel) {
            ParallelFor.range(n, body);
        } else if (n > 0) {
            body.run(0, n);
        }
    }


    /**
     * Runs of taps (sorted by dy, then dx) whose reads are adjacent in a channels-last row (same dy, dx one
     * apart), as {first tap index, tap count}.
     */
    private static List<int[]> segments(List<Tap> taps) {
        List<int[]> segments = new ArrayList<>();
        for (int i = 0; i < taps.size(); i++) {
            int[] last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            Tap prev = i == 0 ? null : taps.get(i - 1);
            if (last != null && prev.dy() == taps.get(i).dy() && prev.dx() + 1 == taps.get(i).dx()) {
                last[1]++;
            } else {
                segments.add(new int[] {i, 1});
            }
        }
        return segments;
    }

    /**
     * Weights in the kernel's layout: strip s of {@code directWidth()} produced channels holds, for depth index
     * {@code p = tap * inC + c} in reading order, the row {@code packed[(s * depth + p) * width + j]}.
     */
    private static float[] pack(FloatKernels k, List<Tap> taps, int inC, int outC, WeightView weight) {
        int width = k.directWidth();
        int depth = taps.size() * inC;
        float[] packed = new float[outC * depth];
        ParallelFor.range(outC / width, (start, end) -> {
            for (int s = start; s < end; s++) {
                for (int t = 0; t < taps.size(); t++) {
                    Tap tap = taps.get(t);
                    for (int c = 0; c < inC; c++) {
                        int row = (s * depth + t * inC + c) * width;
                        for (int j = 0; j < width; j++) {
                            packed[row + j] = weight.at(s * width + j, c, tap.ky(), tap.kx());
                        }
                    }
                }
            }
        });
        return packed;
    }

    /** Zeroes the rows of the channels-last copy above and below the image. */
    private static void zeroTopAndBottom(Padded pad, float[] dst) {
        int row = pad.padW() * pad.c();
        Arrays.fill(dst, 0, pad.top() * row, 0f);
        Arrays.fill(dst, (pad.top() + pad.h()) * row, pad.padH() * row, 0f);
    }

    /**
     * Rows [y0, y1) of image {@code img} of the [n, c, h, w] input into the channels-last copy, with the
     * margins left and right of them zeroed (the rows above and below are {@link #zeroTopAndBottom}'s), in
     * 16 x 16 blocks of (channel, column) moved by {@link FloatKernels#transpose16}, channel blocks outermost
     * (16 planes read at a time: 0.4-0.6 ns per element against 0.7-0.9 with all channels per row).
     */
    private static void channelsLast(FloatKernels k, float[] in, int img, Padded pad, int y0, int y1, float[] dst) {
        int c = pad.c();
        int w = pad.w();
        int plane = pad.h() * w;
        for (int y = y0; y < y1; y++) {
            int rowStart = (pad.top() + y) * pad.padW() * c;
            int to = rowStart + pad.left() * c;
            Arrays.fill(dst, rowStart, to, 0f);
            Arrays.fill(dst, to + w * c, rowStart + pad.padW() * c, 0f);
        }
        int size = FloatKernels.TRANSPOSE;
        for (int c0 = 0; c0 < c; c0 += size) {
            int c1 = Math.min(c, c0 + size);
            for (int y = y0; y < y1; y++) {
                int to = ((pad.top() + y) * pad.padW() + pad.left()) * c;
                int from = img * c * plane + y * w;
                int x0 = 0;
                if (c1 - c0 == size) {
                    for (; x0 + size <= w; x0 += size) {
                        k.transpose16(in, from + c0 * plane + x0, plane, dst, to + x0 * c + c0, c);
                    }
                }
                for (int ch = c0; ch < c1; ch++) {
                    for (int x = x0; x < w; x++) {
                        dst[to + x * c + ch] = in[from + ch * plane + x];
                    }
                }
            }
        }
    }

    /**
     * Grid positions [q0, q1) of one image (position q is grid row q / cols, column q % cols), whose
     * channels-last results start at {@code result[0]}, into their NCHW places, adding the bias (to the
     * results first, where they are contiguous). Runs of 16 consecutive output columns move as
     * {@link FloatKernels#transpose16} blocks; the rest, and phases that write every stride-th column, element
     * by element.
     */
    private static void scatter(FloatKernels k, float[] result, int img, Phase ph, int q0, int q1, Output t) {
        int outC = t.c();
        float[] bias = t.bias();
        if (bias != null) {
            for (int q = 0; q < q1 - q0; q++) {
                for (int o = 0; o < outC; o++) {
                    result[q * outC + o] += bias[o];
                }
            }
        }
        int size = FloatKernels.TRANSPOSE;
        int planeSize = t.h() * t.w();
        for (int q = q0; q < q1; ) {
            int a = q / ph.cols();
            int col = q - a * ph.cols();
            int len = Math.min(ph.cols() - col, q1 - q);
            int dst = img * outC * planeSize + (ph.y0() + a * t.stepY()) * t.w() + ph.x0() + col * t.stepX();
            int from = (q - q0) * outC;
            int i = 0;
            if (t.stepX() == 1 && outC % size == 0) {
                for (; i + size <= len; i += size) {
                    for (int o0 = 0; o0 < outC; o0 += size) {
                        k.transpose16(result, from + i * outC + o0, outC, t.out(), dst + o0 * planeSize + i, planeSize);
                    }
                }
            }
            for (int o = 0; o < outC; o++) {
                for (int p = i; p < len; p++) {
                    t.out()[dst + o * planeSize + p * t.stepX()] = result[from + p * outC + o];
                }
            }
            q += len;
        }
    }
}
