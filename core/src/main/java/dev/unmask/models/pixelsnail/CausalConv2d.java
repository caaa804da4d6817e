package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * rosinality's {@code CausalConv2d}: zero padding that keeps the kernel on rows at or above the output
 * row, then a {@link WeightNormConv2d} (child {@code conv}, so parameters {@code conv.conv.weight_g},
 * {@code conv.conv.weight_v}, {@code conv.conv.bias}). The output has the input's height and width.
 * <ul>
 *   <li>{@link Padding#DOWN}: {@code kh - 1} rows above, {@code kw / 2} columns each side.</li>
 *   <li>{@link Padding#DOWN_RIGHT}: {@code kh - 1} rows above, {@code kw - 1} columns on the left.</li>
 *   <li>{@link Padding#CAUSAL}: as DOWN, and the taps of the kernel's last row from the centre rightwards
 *       are zero, so the output at (y, x) sees rows above and the current row left of x only.</li>
 * </ul>
 * As rosinality does, CAUSAL zeroes those taps of {@code weight_v} in place before every forward pass (and
 * at construction) rather than masking inside the graph: the value is the same, and the gradient of the
 * zeroed entries is {@code g / ||v|| * dL/dw}, not zero, exactly as PyTorch reports it; the next forward
 * pass zeroes whatever an optimizer step wrote there.
 */
public final class CausalConv2d extends Layer {
    /** Which part of the kernel window lies above and left of the output position. */
    public enum Padding { DOWN, DOWN_RIGHT, CAUSAL }

    private final int in;
    private final int kernelH;
    private final int kernelW;
    private final int top;
    private final int left;
    private final int right;
    private final Padding padding;
    private final WeightNormConv2d conv;
    private Tensor causalMask;
    private Tensor zero;

    public CausalConv2d(int in, int out, int kernelH, int kernelW, Padding padding, ParameterInit init) {
        if (in < 1 || out < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("CausalConv2d: invalid channels " + in + " -> " + out
                    + " or kernel " + kernelH + "x" + kernelW);
        }
        if (padding != Padding.DOWN_RIGHT && kernelW % 2 == 0) {
            throw new IllegalArgumentException("CausalConv2d: " + padding
                    + " padding centres the kernel and needs an odd width, got " + kernelW);
        }
        this.in = in;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.padding = padding;
        this.top = kernelH - 1;
        this.left = padding == Padding.DOWN_RIGHT ? kernelW - 1 : kernelW / 2;
        this.right = padding == Padding.DOWN_RIGHT ? 0 : kernelW / 2;
        this.conv = registerModule("conv", new WeightNormConv2d(in, out, kernelH, kernelW, 0, 0, true, init));
        zeroCausalTaps();
    }

    /** The weight-normalised convolution after the padding. */
    public WeightNormConv2d conv() {
        return conv;
    }

    /** {@code x} [B, in, H, W] to [B, out, H, W]; with CAUSAL padding, first zeroes the masked taps of weight_v. */
    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.dim(1) != in) {
            throw new IllegalArgumentException("CausalConv2d: expected [B, " + in + ", H, W], got " + x.shape());
        }
        zeroCausalTaps();
        return conv.forward(x.pad(new int[] {0, 0, top, left}, new int[] {0, 0, 0, right}, 0f));
    }

    /**
     * The same convolution applied to the one-hot encoding of {@code codes} (I32 [B, H, W] in
     * [0, in)), computed without the one-hot tensor: the output at (y, x) is the bias plus, for every
     * kernel tap (i, j) over a position inside the grid, the weight column {@code w[:, code, i, j]} of the
     * code there; padded taps add nothing. The gradient flows to the weight (g, v) and bias. With CAUSAL
     * padding, first zeroes the masked taps of weight_v.
     *
     * @return [B, out, H, W]
     */
    public Variable forwardOneHot(Tensor codes) {
        int[] code = checkedCodes(codes, in);
        return forwardOneHot(oneHotTable(), code, codes.dim(0), codes.dim(1), codes.dim(2), 0, codes.dim(1));
    }

    /**
     * The gather table of {@link #forwardOneHot}: row {@code tap * in + code} is {@code w[:, code, i, j]} for
     * tap {@code i * kw + j}, and an extra last row of zeros serves padded taps. With CAUSAL padding, first
     * zeroes the masked taps of weight_v.
     *
     * @return [kh * kw * in + 1, out]
     */
    Variable oneHotTable() {
        zeroCausalTaps();
        Variable weight = conv.weight();
        return weight.permute(2, 3, 1, 0).reshape(kernelH * kernelW * in, weight.dim(0))
                .pad(new int[] {0, 0}, new int[] {1, 0}, 0f);
    }

    /**
     * Output rows {@code [fromRow, toRow)} of {@link #forwardOneHot} over the grids {@code code} (row-major
     * [batch, height, width], values already checked), from a table of {@link #oneHotTable}.
     *
     * @return [batch, out, toRow - fromRow, width]
     */
    Variable forwardOneHot(Variable table, int[] code, int batch, int height, int width, int fromRow, int toRow) {
        int taps = kernelH * kernelW;
        int zeroRow = taps * in;
        int rowCount = toRow - fromRow;
        int[] rows = new int[batch * rowCount * width * taps];
        int n = 0;
        for (int b = 0; b < batch; b++) {
            for (int y = fromRow; y < toRow; y++) {
                for (int x = 0; x < width; x++) {
                    for (int i = 0; i < kernelH; i++) {
                        for (int j = 0; j < kernelW; j++) {
                            int yy = y - top + i;
                            int xx = x - left + j;
                            boolean inside = yy >= 0 && yy < height && xx >= 0 && xx < width;
                            int tap = i * kernelW + j;
                            rows[n++] = inside ? tap * in + code[(b * height + yy) * width + xx] : zeroRow;
                        }
                    }
                }
            }
        }
        int out = table.dim(1);
        Tensor indices = Backend.of(table.value()).fromInts(rows, Shape.of(batch, rowCount, width, taps));
        Variable summed = table.gather(indices).sum(3).permute(0, 3, 1, 2);
        return summed.add(conv.bias().reshape(1, out, 1, 1));
    }

    /**
     * The convolution frozen for row-by-row inference ({@link #forwardRow}): the effective weight
     * {@code g v / ||v||} restricted to its live taps (those with a non-zero weight for some output and input
     * channel; with CAUSAL padding, first zeroes the masked taps of weight_v) as a matrix [out, in * taps],
     * row o ordered (input channel, tap), and the bias as [out, 1].
     */
    Frozen freeze() {
        zeroCausalTaps();
        Tensor weight = conv.weight().value();
        int out = weight.dim(0);
        int taps = kernelH * kernelW;
        float[] w = weight.toFloatArray();
        boolean[] live = new boolean[taps];
        for (int i = 0; i < w.length; i++) {
            live[i % taps] |= w[i] != 0f;
        }
        int[] liveTaps = IntStream.range(0, taps).filter(t -> live[t]).toArray();
        Variable perTap = Variable.constant(weight).reshape(out, in, taps);
        List<Variable> columns = new ArrayList<>();
        for (int t : liveTaps) {
            columns.add(perTap.slice(2, t, t + 1));
        }
        Variable matrix = Variable.concat(columns, 2).reshape(out, in * liveTaps.length);
        Variable bias = Variable.constant(conv.bias().value().reshape(out, 1));
        return new Frozen(Variable.constant(matrix.value()), bias, liveTaps);
    }

    /** The weight matrix, bias column and live taps of {@link #freeze}. */
    record Frozen(Variable weight, Variable bias, int[] taps) {
    }

    /**
     * Columns [fromColumn, W) of one output row of the convolution from the kh input rows it needs, for n
     * images at once, as an explicit im2col over the live taps and one matrix product. {@code band}
     * [in, kh, n, W] holds, for every image, the {@code kh - 1} input rows above the output row (zeros above
     * the grid) and the row itself; columns are padded as {@link #forward} pads them.
     *
     * <p>The product sums over (input channel, live tap) in the order in which the CPU backend's convolution
     * sums, with the same blocking, so the row equals {@link #forward}'s row there bit for bit on that
     * backend; elsewhere up to float rounding.
     *
     * @return [n, out, 1, W - fromColumn]
     */
    Variable forwardRow(Frozen frozen, Variable band, int fromColumn) {
        int n = band.dim(2);
        int width = band.dim(3) - fromColumn;
        Variable padded = band.pad(new int[] {0, 0, 0, left}, new int[] {0, 0, 0, right}, 0f);
        Variable[] rows = new Variable[kernelH];
        List<Variable> columns = new ArrayList<>(frozen.taps().length);
        for (int t : frozen.taps()) {
            int i = t / kernelW;
            if (rows[i] == null) {
                rows[i] = padded.slice(1, i, i + 1);
            }
            int j = fromColumn + t % kernelW;
            columns.add(rows[i].slice(3, j, j + width));
        }
        // [in, taps, n, W] as the [in * taps, n * W] column matrix
        Variable matrix = Variable.concat(columns, 1).reshape(in * frozen.taps().length, n * width);
        int out = frozen.weight().dim(0);
        return frozen.weight().matmul(matrix).add(frozen.bias()).reshape(out, n, 1, width).permute(1, 0, 2, 3);
    }

    int kernelHeight() {
        return kernelH;
    }

    private void zeroCausalTaps() {
        if (padding != Padding.CAUSAL) {
            return;
        }
        Tensor v = conv.weightV().value();
        Backend backend = Backend.of(v);
        if (causalMask == null || causalMask.device() != backend) {
            float[] mask = new float[kernelH * kernelW];
            Arrays.fill(mask, 1f);
            for (int j = kernelW / 2; j < kernelW; j++) {
                mask[(kernelH - 1) * kernelW + j] = 0f;
            }
            causalMask = backend.fromFloats(mask, Shape.of(kernelH, kernelW));
            zero = backend.full(Shape.scalar(), DType.F32, 0f);
        }
        // where() writes +0 (as PyTorch's zero_()), where a product with the mask would give -0 or NaN
        backend.copyInto(v, backend.where(causalMask, v, zero));
    }

    /** The values of {@code codes}; fails unless it is I32 [B, H, W] with every value in [0, classes). */
    static int[] checkedCodes(Tensor codes, int classes) {
        if (codes.dtype() != DType.I32 || codes.rank() != 3) {
            throw new IllegalArgumentException("codes must be I32 [B, H, W], got " + codes);
        }
        int[] values = codes.toIntArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw new IllegalArgumentException("code " + values[i] + " at flat index " + i + " is outside [0, "
                        + classes + ")");
            }
        }
        return values;
    }
}
