package dev.unmask.ops;

import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Argument checks and result shapes of the ops in {@link Op}, shared by every backend so that all of
 * them reject the same inputs with the same messages.
 */
public final class OpChecks {
    private OpChecks() {
    }

    public static void requireDType(String op, Tensor x, DType dtype) {
        if (x.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": expected " + dtype + " input, got " + x.dtype() + " " + x.shape());
        }
    }

    public static void requireRank(String op, Tensor x, int rank) {
        if (x.rank() != rank) {
            throw new IllegalArgumentException(op + ": expected rank " + rank + ", got shape " + x.shape());
        }
    }

    /** The operands of an activation's backward pass ({@link Op#reluBackward}, {@link Op#eluBackward}): F32, one shape. */
    public static void requireActivationBackward(String op, Tensor... operands) {
        for (Tensor t : operands) {
            requireDType(op, t, DType.F32);
            requireSameShape(op, t, operands[0]);
        }
    }

    public static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ, " + a.shape() + " vs " + b.shape());
        }
    }

    /** Maps a possibly negative axis into [0, rank), failing with a message that names the op. */
    public static int axis(String op, Shape shape, int axis) {
        int a = axis < 0 ? axis + shape.rank() : axis;
        if (a < 0 || a >= shape.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + shape);
        }
        return a;
    }

    /**
     * The {@code [outer, extent, inner]} view of an F32 operand around {@code axis}, failing with a message that
     * names the op for another dtype or an axis out of range.
     */
    public static Shape.AxisSplit floatAxis(String op, Tensor x, int axis) {
        requireDType(op, x, DType.F32);
        return x.shape().splitAt(axis(op, x.shape(), axis));
    }

    /** The broadcast shape of two operands, failing with a message that names the op. */
    public static Shape broadcastShape(String op, Shape a, Shape b) {
        try {
            return Shape.broadcast(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /** Checks that {@link Op#reshape} keeps the element count. */
    public static void checkReshape(Shape from, Shape to) {
        if (from.numel() != to.numel()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + from + " (" + from.numel() + " elements) to "
                    + to + " (" + to.numel() + " elements)");
        }
    }

    /** Normalised, distinct axes; empty {@code axes} means every axis. */
    public static int[] reductionAxes(String op, Shape shape, int[] axes) {
        if (axes.length == 0) {
            int[] all = new int[shape.rank()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[shape.rank()];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(op, shape, axes[i]);
            if (seen[out[i]]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " repeated in " + Arrays.toString(axes));
            }
            seen[out[i]] = true;
        }
        Arrays.sort(out);
        return out;
    }

    /** Shape after reducing {@code axes} (already normalised). */
    public static Shape reducedShape(Shape shape, int[] axes, boolean keepDims) {
        boolean[] reduced = new boolean[shape.rank()];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] dims = shape.dims();
        int[] out = new int[keepDims ? dims.length : dims.length - axes.length];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (reduced[i]) {
                if (keepDims) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = dims[i];
            }
        }
        return Shape.of(out);
    }

    /** Result shape of {@link Op#permute}, checking that {@code perm} is a permutation. */
    public static Shape permutedShape(Shape shape, int[] perm) {
        if (perm.length != shape.rank()) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not match rank of " + shape);
        }
        boolean[] seen = new boolean[perm.length];
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = axis("permute", shape, perm[i]);
            if (seen[p]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[p] = true;
            out[i] = shape.dim(p);
        }
        return Shape.of(out);
    }

    public static Shape slicedShape(Shape shape, int axis, int start, int end) {
        int a = axis("slice", shape, axis);
        if (start < 0 || end > shape.dim(a) || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") out of range for axis " + axis + " of " + shape);
        }
        return shape.withDim(a, end - start);
    }

    public static Shape paddedShape(Shape shape, int[] before, int[] after) {
        if (before.length != shape.rank() || after.length != shape.rank()) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(before) + "/" + Arrays.toString(after)
                    + " does not match rank of " + shape);
        }
        int[] dims = shape.dims();
        for (int i = 0; i < dims.length; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: negative padding " + Arrays.toString(before) + "/" + Arrays.toString(after));
            }
            dims[i] += before[i] + after[i];
        }
        return Shape.of(dims);
    }

    public static Shape concatShape(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Shape first = xs.get(0).shape();
        int a = axis("concat", first, axis);
        int total = 0;
        for (Tensor t : xs) {
            if (t.rank() != first.rank() || t.dtype() != xs.get(0).dtype()) {
                throw new IllegalArgumentException("concat: " + t + " does not match " + xs.get(0));
            }
            for (int i = 0; i < first.rank(); i++) {
                if (i != a && t.dim(i) != first.dim(i)) {
                    throw new IllegalArgumentException("concat: shapes " + first + " and " + t.shape() + " differ off axis " + axis);
                }
            }
            total += t.dim(a);
        }
        return first.withDim(a, total);
    }

    /** Checks that {@code from} broadcasts to exactly {@code to}. */
    public static void requireBroadcastable(String op, Shape from, Shape to) {
        if (!broadcastShape(op, from, to).equals(to)) {
            throw new IllegalArgumentException(op + ": " + from + " does not broadcast to " + to);
        }
    }

    /** {@code indices.shape ++ table.shape[1:]} */
    public static Shape gatherShape(Tensor table, Tensor indices) {
        requireDType("gather", indices, DType.I32);
        if (table.rank() < 1) {
            throw new IllegalArgumentException("gather: table must have rank >= 1, got " + table.shape());
        }
        int[] idx = indices.shape().dims();
        int[] tab = table.shape().dims();
        int[] out = Arrays.copyOf(idx, idx.length + tab.length - 1);
        System.arraycopy(tab, 1, out, idx.length, tab.length - 1);
        return Shape.of(out);
    }

    /** Shape of {@link Op#scatterAdd}'s result: {@code [rows] ++ src.shape[indices.rank:]}. */
    public static Shape scatterAddShape(Tensor indices, Tensor src, int rows) {
        requireDType("scatterAdd", indices, DType.I32);
        requireDType("scatterAdd", src, DType.F32);
        if (rows < 0) {
            throw new IllegalArgumentException("scatterAdd: negative row count " + rows);
        }
        int[] idx = indices.shape().dims();
        int[] s = src.shape().dims();
        if (s.length < idx.length || !Arrays.equals(Arrays.copyOf(s, idx.length), idx)) {
            throw new IllegalArgumentException("scatterAdd: source " + src.shape() + " does not start with index shape " + indices.shape());
        }
        int[] out = new int[1 + s.length - idx.length];
        out[0] = rows;
        System.arraycopy(s, idx.length, out, 1, s.length - idx.length);
        return Shape.of(out);
    }

    /** Shape of {@link Op#oneHot}'s result: {@code indices.shape ++ [depth]}. */
    public static Shape oneHotShape(Tensor indices, int depth) {
        requireDType("oneHot", indices, DType.I32);
        if (depth < 1) {
            throw new IllegalArgumentException("oneHot: depth must be positive, got " + depth);
        }
        int[] idx = indices.shape().dims();
        int[] out = Arrays.copyOf(idx, idx.length + 1);
        out[idx.length] = depth;
        return Shape.of(out);
    }

    /** Fails naming the op when an index is outside [0, bound). */
    public static void requireIndexInRange(String op, int index, int bound) {
        if (index < 0 || index >= bound) {
            throw new IndexOutOfBoundsException(op + ": index " + index + " outside [0, " + bound + ")");
        }
    }

    /** Result shape of {@link Op#where}, after checking that mask and operands are F32. */
    public static Shape whereShape(Tensor mask, Tensor a, Tensor b) {
        requireDType("where", mask, DType.F32);
        requireDType("where", a, DType.F32);
        requireDType("where", b, DType.F32);
        return broadcastShape("where", mask.shape(), broadcastShape("where", a.shape(), b.shape()));
    }

    /**
     * The sizes of one {@link Op#matmul} call: result shape, rows m, columns n, inner depth k and the
     * number of (broadcast) batch matrices.
     */
    public record MatmulGeometry(Shape shape, int m, int n, int k, int batches) {
    }

    /** Checks a {@link Op#matmul} call (F32 operands, matching inner sizes) and returns its sizes. */
    public static MatmulGeometry matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        requireDType("matmul", a, DType.F32);
        requireDType("matmul", b, DType.F32);
        Shape shape = matmulShape(a.shape(), b.shape(), transposeA, transposeB);
        return new MatmulGeometry(shape, shape.dim(-2), shape.dim(-1), transposeA ? a.dim(-2) : a.dim(-1),
                shape.numel(0, shape.rank() - 2));
    }

    /** Result shape of {@link Op#matmul}, with broadcast batch dimensions. */
    public static Shape matmulShape(Shape a, Shape b, boolean transposeA, boolean transposeB) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: operands need rank >= 2, got " + a + " and " + b);
        }
        int m = transposeA ? a.dim(-1) : a.dim(-2);
        int ka = transposeA ? a.dim(-2) : a.dim(-1);
        int kb = transposeB ? b.dim(-1) : b.dim(-2);
        int n = transposeB ? b.dim(-2) : b.dim(-1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + a + (transposeA ? "^T" : "")
                    + " x " + b + (transposeB ? "^T" : ""));
        }
        Shape batch = broadcastShape("matmul", Shape.of(Arrays.copyOf(a.dims(), a.rank() - 2)),
                Shape.of(Arrays.copyOf(b.dims(), b.rank() - 2)));
        int[] out = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        out[batch.rank()] = m;
        out[batch.rank() + 1] = n;
        return Shape.of(out);
    }

    /** Result shape of {@link Op#conv2d}. */
    public static Shape conv2dShape(Shape x, Shape w, Tensor bias, Conv2dParams p) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("conv2d: input " + x + " and weight " + w + " must be rank 4 (NCHW, OIHW)");
        }
        if (x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("conv2d: input has " + x.dim(1) + " channels, weight " + w + " expects " + w.dim(1));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("conv2d: bias " + bias.shape() + " does not match " + w.dim(0) + " output channels");
        }
        int oh = Conv2dParams.convOutputSize(x.dim(2), w.dim(2), p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.convOutputSize(x.dim(3), w.dim(3), p.strideW(), p.padW(), p.dilationW());
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + w + " does not fit input " + x + " with " + p);
        }
        return Shape.of(x.dim(0), w.dim(0), oh, ow);
    }

    /** Checks that {@code gradOut} has the shape {@link Op#conv2d} gives for {@code inputShape} and {@code weightShape}. */
    public static void checkConv2dBackward(String op, Tensor gradOut, Shape inputShape, Shape weightShape, Conv2dParams p) {
        requireDType(op, gradOut, DType.F32);
        Shape expected;
        try {
            expected = conv2dShape(inputShape, weightShape, null, p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
        if (!gradOut.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": output gradient " + gradOut.shape() + " does not match conv2d of "
                    + inputShape + " by " + weightShape + " with " + p + ", which gives " + expected);
        }
    }

    /** Result shape of {@link Op#convTranspose2d}. */
    public static Shape convTranspose2dShape(Shape x, Shape w, Tensor bias, Conv2dParams p) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("convTranspose2d: input " + x + " and weight " + w + " must be rank 4");
        }
        if (x.dim(1) != w.dim(0)) {
            throw new IllegalArgumentException("convTranspose2d: input has " + x.dim(1) + " channels, weight " + w + " expects " + w.dim(0));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(1))) {
            throw new IllegalArgumentException("convTranspose2d: bias " + bias.shape() + " does not match " + w.dim(1) + " output channels");
        }
        if (p.outputPadH() >= Math.max(p.strideH(), p.dilationH()) || p.outputPadW() >= Math.max(p.strideW(), p.dilationW())) {
            throw new IllegalArgumentException("convTranspose2d: output padding must be smaller than stride or dilation, " + p);
        }
        int oh = Conv2dParams.transposedOutputSize(x.dim(2), w.dim(2), p.strideH(), p.padH(), p.dilationH(), p.outputPadH());
        int ow = Conv2dParams.transposedOutputSize(x.dim(3), w.dim(3), p.strideW(), p.padW(), p.dilationW(), p.outputPadW());
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("convTranspose2d: non-positive output size for " + x + " with " + p);
        }
        return Shape.of(x.dim(0), w.dim(1), oh, ow);
    }

    /** Result shape of 2-D pooling over NCHW. */
    public static Shape pool2dShape(String op, Shape x, Pool2dParams p) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be NCHW, got " + x);
        }
        int oh = p.outputH(x.dim(2));
        int ow = p.outputW(x.dim(3));
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": window " + p + " does not fit input " + x);
        }
        return Shape.of(x.dim(0), x.dim(1), oh, ow);
    }

    /** Checks that {@code gradOut} has the shape the pooling op gives for {@code inputShape}. */
    public static void checkPool2dBackward(String op, Tensor gradOut, Shape inputShape, Pool2dParams p) {
        requireDType(op, gradOut, DType.F32);
        Shape expected = pool2dShape(op, inputShape, p);
        if (!gradOut.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": output gradient " + gradOut.shape() + " does not match pooling of "
                    + inputShape + " with " + p + ", which gives " + expected);
        }
    }

    /**
     * The output shape of {@link Op#upsampleNearest2d}: F32 NCHW input, factors at least 1, and an output
     * whose element count fits an int.
     */
    public static Shape upsampleShape(String op, Tensor x, int scaleH, int scaleW) {
        requireDType(op, x, DType.F32);
        requireRank(op, x, 4);
        if (scaleH < 1 || scaleW < 1) {
            throw new IllegalArgumentException(op + ": scale factors must be at least 1, got " + scaleH + " x " + scaleW);
        }
        long h = (long) x.dim(2) * scaleH;
        long w = (long) x.dim(3) * scaleW;
        if ((long) x.dim(0) * x.dim(1) * h * w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": upsampling " + x.shape() + " by " + scaleH + " x " + scaleW
                    + " gives more than 2^31 - 1 elements");
        }
        return Shape.of(x.dim(0), x.dim(1), (int) h, (int) w);
    }

    /** The output shape of {@link Op#upsampleNearest2dBackward}: the gradient's height and width divisible by the factors. */
    public static Shape upsampleBackwardShape(Tensor gradOut, int scaleH, int scaleW) {
        String op = "upsampleNearest2dBackward";
        requireDType(op, gradOut, DType.F32);
        requireRank(op, gradOut, 4);
        if (scaleH < 1 || scaleW < 1 || gradOut.dim(2) % scaleH != 0 || gradOut.dim(3) % scaleW != 0) {
            throw new IllegalArgumentException(op + ": gradient " + gradOut.shape() + " is not an upsampling by "
                    + scaleH + " x " + scaleW);
        }
        return Shape.of(gradOut.dim(0), gradOut.dim(1), gradOut.dim(2) / scaleH, gradOut.dim(3) / scaleW);
    }

    /** The input of {@link Op#batchNormStatistics}: F32 NCHW with at least one element per channel. */
    public static void checkBatchNormInput(String op, Tensor x) {
        requireDType(op, x, DType.F32);
        requireRank(op, x, 4);
        if (x.dim(1) < 1 || (long) x.dim(0) * x.dim(2) * x.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": needs at least one channel and one element per channel, got "
                    + x.shape());
        }
    }

    /**
     * The operands of {@link Op#batchNorm2d} and its backward: F32 NCHW {@code x}, per-channel [C] F32 vectors
     * and a positive eps.
     */
    public static void checkBatchNorm(String op, Tensor x, float eps, Tensor... perChannel) {
        checkBatchNormInput(op, x);
        if (!(eps > 0)) {
            throw new IllegalArgumentException(op + ": eps must be positive, got " + eps);
        }
        for (Tensor t : perChannel) {
            requireDType(op, t, DType.F32);
            if (t.rank() != 1 || t.dim(0) != x.dim(1)) {
                throw new IllegalArgumentException(op + ": per-channel operand " + t.shape() + " does not match the "
                        + x.dim(1) + " channels of " + x.shape());
            }
        }
    }

    public static void checkCrossEntropy(Tensor logits, Tensor targets) {
        requireDType("crossEntropy", logits, DType.F32);
        requireRank("crossEntropy", logits, 2);
        requireDType("crossEntropy", targets, DType.I32);
        if (targets.rank() != 1 || targets.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("crossEntropy: targets " + targets.shape() + " do not match logits " + logits.shape());
        }
    }

    public static void checkVqEmaStatistics(Tensor z, Tensor assignments, int codes) {
        requireRank("vqEmaStatistics", z, 2);
        requireDType("vqEmaStatistics", z, DType.F32);
        requireDType("vqEmaStatistics", assignments, DType.I32);
        if (assignments.rank() != 1 || assignments.dim(0) != z.dim(0)) {
            throw new IllegalArgumentException("vqEmaStatistics: assignments " + assignments.shape() + " do not match vectors " + z.shape());
        }
        if (codes < 1) {
            throw new IllegalArgumentException("vqEmaStatistics: code count must be positive, got " + codes);
        }
    }

    public static void checkVqNearest(Tensor z, Tensor codebook) {
        requireDType("vqNearest", z, DType.F32);
        requireDType("vqNearest", codebook, DType.F32);
        requireRank("vqNearest", z, 2);
        requireRank("vqNearest", codebook, 2);
        if (z.dim(1) != codebook.dim(1) || codebook.dim(0) < 1) {
            throw new IllegalArgumentException("vqNearest: vectors " + z.shape() + " do not match codebook " + codebook.shape());
        }
    }

    public static void checkAttention(Tensor q, Tensor k, Tensor v) {
        requireDType("causalAttention", q, DType.F32);
        requireDType("causalAttention", k, DType.F32);
        requireDType("causalAttention", v, DType.F32);
        requireRank("causalAttention", q, 4);
        requireRank("causalAttention", k, 4);
        requireRank("causalAttention", v, 4);
        if (!q.shape().equals(k.shape()) || v.dim(0) != q.dim(0) || v.dim(1) != q.dim(1) || v.dim(2) != q.dim(2)) {
            throw new IllegalArgumentException("causalAttention: query " + q.shape() + ", key " + k.shape()
                    + ", value " + v.shape() + " do not agree on [B, H, L]");
        }
    }

    /** Checks the inputs of {@link Op#causalAttentionBackward} against each other. */
    public static void checkAttentionBackward(Tensor q, Tensor k, Tensor v, AttentionResult forward, Tensor gradOut) {
        checkAttention(q, k, v);
        Shape lse = Shape.of(q.dim(0), q.dim(1), q.dim(2));
        if (!forward.out().shape().equals(v.shape()) || !forward.logSumExp().shape().equals(lse)) {
            throw new IllegalArgumentException("causalAttentionBackward: forward result " + forward.out().shape() + " / "
                    + forward.logSumExp().shape() + " does not match value " + v.shape() + " and " + lse);
        }
        requireDType("causalAttentionBackward", gradOut, DType.F32);
        if (!gradOut.shape().equals(v.shape())) {
            throw new IllegalArgumentException("causalAttentionBackward: output gradient " + gradOut.shape()
                    + " does not match value " + v.shape());
        }
    }

    /** Checks that the four tensors of {@link Op#adamStep} are F32 of one shape. */
    public static void checkAdam(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment) {
        for (Tensor t : new Tensor[] {param, grad, firstMoment, secondMoment}) {
            requireDType("adamStep", t, DType.F32);
            requireSameShape("adamStep", param, t);
        }
    }

    public static void checkMinAvgPool(Tensor x, int minKernel, int avgKernel) {
        requireDType("minAvgPool", x, DType.F32);
        requireRank("minAvgPool", x, 4);
        if (minKernel < 1 || avgKernel < 1 || minKernel % 2 == 0 || avgKernel % 2 == 0) {
            throw new IllegalArgumentException("minAvgPool: kernels must be odd and positive, got " + minKernel + " and " + avgKernel);
        }
    }
}
