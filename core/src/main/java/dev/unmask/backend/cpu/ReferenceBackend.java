package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.AdamParams;
import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.ops.BatchNormGradients;
import dev.unmask.ops.BatchStatistics;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.OpChecks;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.ops.VqStatistics;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The reference CPU backend: every op as plain, obvious loops. It is the oracle that every faster
 * implementation (threaded, blocked, SIMD, CUDA) is tested against, so clarity wins over speed here.
 *
 * <p>To be as exact as an oracle can be, sums, dot products, softmax denominators and gradient
 * accumulations run in double and are rounded to float once, at the end. Where {@link dev.unmask.ops.Op}
 * leaves NaN open, this backend follows PyTorch: argmax/argmin and max/min pooling treat NaN as the
 * extreme value (the first NaN wins).
 */
public class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "cpu-reference";
    }

    @Override
    public Tensor fromFloats(float[] data, Shape shape) {
        return new Tensor(shape, CpuStorage.ofFloats(this, data.clone()));
    }

    @Override
    public Tensor fromInts(int[] data, Shape shape) {
        return new Tensor(shape, CpuStorage.ofInts(this, data.clone()));
    }

    @Override
    public float[] toFloats(Tensor x) {
        return CpuStorage.floats(x).clone();
    }

    @Override
    public int[] toInts(Tensor x) {
        return CpuStorage.ints(x).clone();
    }

    @Override
    public Tensor full(Shape shape, DType dtype, float value) {
        if (dtype == DType.F32) {
            float[] data = new float[shape.numel()];
            Arrays.fill(data, value);
            return wrap(data, shape);
        }
        int[] data = new int[shape.numel()];
        Arrays.fill(data, (int) value);
        return wrapInts(data, shape);
    }

    @Override
    public void copyInto(Tensor destination, Tensor source) {
        OpChecks.requireSameShape("copyInto", destination, source);
        if (destination.dtype() != source.dtype()) {
            throw new IllegalArgumentException("copyInto: dtypes differ, " + destination + " vs " + source);
        }
        if (source.dtype() == DType.F32) {
            float[] s = CpuStorage.floats(source);
            System.arraycopy(s, 0, CpuStorage.floats(destination), 0, s.length);
        } else {
            int[] s = CpuStorage.ints(source);
            System.arraycopy(s, 0, CpuStorage.ints(destination), 0, s.length);
        }
    }

    /** Wraps an array this backend's kernels just filled, without copying it. */
    protected final Tensor wrap(float[] data, Shape shape) {
        return new Tensor(shape, CpuStorage.ofFloats(this, data));
    }

    /** Wraps an int array without copying it. */
    protected final Tensor wrapInts(int[] data, Shape shape) {
        return new Tensor(shape, CpuStorage.ofInts(this, data));
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        OpChecks.requireDType("unary " + op, x, DType.F32);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            out[i] = (float) switch (op) {
                case NEG -> -v;
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case SQRT -> Math.sqrt(v);
                case ABS -> Math.abs(v);
                case RELU -> Math.max(v, 0.0);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
                case TANH -> Math.tanh(v);
            };
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor elu(Tensor x, float alpha) {
        OpChecks.requireDType("elu", x, DType.F32);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? in[i] : (float) (alpha * Math.expm1(in[i]));
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor reluBackward(Tensor grad, Tensor x) {
        OpChecks.requireActivationBackward("reluBackward", grad, x);
        float[] g = CpuStorage.floats(grad);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? g[i] : 0f;
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor eluBackward(Tensor grad, Tensor x, Tensor y, float alpha) {
        OpChecks.requireActivationBackward("eluBackward", grad, x, y);
        float[] g = CpuStorage.floats(grad);
        float[] in = CpuStorage.floats(x);
        float[] value = CpuStorage.floats(y);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? g[i] : g[i] * (value[i] + alpha);
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        OpChecks.requireDType("leakyRelu", x, DType.F32);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? in[i] : slope * in[i];
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        OpChecks.requireDType("clamp", x, DType.F32);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.min(Math.max(in[i], lo), hi);
        }
        return wrap(out, x.shape());
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = "binary " + op;
        OpChecks.requireDType(name, a, DType.F32);
        OpChecks.requireDType(name, b, DType.F32);
        Shape shape = OpChecks.broadcastShape(name, a.shape(), b.shape());
        float[] x = CpuStorage.floats(a);
        float[] y = CpuStorage.floats(b);
        int[] ai = StridedIndex.broadcastOffsets(a.shape(), shape);
        int[] bi = StridedIndex.broadcastOffsets(b.shape(), shape);
        float[] out = new float[shape.numel()];
        for (int i = 0; i < out.length; i++) {
            float u = x[ai[i]];
            float v = y[bi[i]];
            out[i] = switch (op) {
                case ADD -> u + v;
                case SUB -> u - v;
                case MUL -> u * v;
                case DIV -> u / v;
                case MAX -> Math.max(u, v);
                case MIN -> Math.min(u, v);
            };
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor compare(CompareOp op, Tensor a, Tensor b) {
        String name = "compare " + op;
        OpChecks.requireDType(name, a, DType.F32);
        OpChecks.requireDType(name, b, DType.F32);
        Shape shape = OpChecks.broadcastShape(name, a.shape(), b.shape());
        float[] x = CpuStorage.floats(a);
        float[] y = CpuStorage.floats(b);
        int[] ai = StridedIndex.broadcastOffsets(a.shape(), shape);
        int[] bi = StridedIndex.broadcastOffsets(b.shape(), shape);
        float[] out = new float[shape.numel()];
        for (int i = 0; i < out.length; i++) {
            float u = x[ai[i]];
            float v = y[bi[i]];
            boolean holds = switch (op) {
                case EQ -> u == v;
                case NE -> u != v;
                case LT -> u < v;
                case LE -> u <= v;
                case GT -> u > v;
                case GE -> u >= v;
            };
            out[i] = holds ? 1f : 0f;
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        Shape shape = OpChecks.whereShape(mask, a, b);
        float[] m = CpuStorage.floats(mask);
        float[] x = CpuStorage.floats(a);
        float[] y = CpuStorage.floats(b);
        int[] mi = StridedIndex.broadcastOffsets(mask.shape(), shape);
        int[] ai = StridedIndex.broadcastOffsets(a.shape(), shape);
        int[] bi = StridedIndex.broadcastOffsets(b.shape(), shape);
        float[] out = new float[shape.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = m[mi[i]] != 0 ? x[ai[i]] : y[bi[i]];
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == DType.F32) {
            float[] in = CpuStorage.floats(x);
            if (dtype == DType.F32) {
                return wrap(in.clone(), x.shape());
            }
            int[] out = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = (int) in[i];
            }
            return wrapInts(out, x.shape());
        }
        int[] in = CpuStorage.ints(x);
        if (dtype == DType.I32) {
            return wrapInts(in.clone(), x.shape());
        }
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i];
        }
        return wrap(out, x.shape());
    }

    // ---------------------------------------------------------------- reductions

    /** Sums and means accumulate in double; MAX and MIN propagate NaN; MAX/MIN of no element is an error. */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        String name = "reduce " + op;
        OpChecks.requireDType(name, x, DType.F32);
        int[] reduced = OpChecks.reductionAxes(name, x.shape(), axes);
        Shape kept = OpChecks.reducedShape(x.shape(), reduced, true);
        int count = 1;
        for (int a : reduced) {
            count *= x.dim(a);
        }
        if (count == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN) && kept.numel() > 0) {
            throw new IllegalArgumentException(name + ": no elements to reduce in " + x.shape() + " over " + Arrays.toString(axes));
        }
        double[] acc = new double[kept.numel()];
        Arrays.fill(acc, switch (op) {
            case SUM, MEAN -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        });
        float[] in = CpuStorage.floats(x);
        int[] target = StridedIndex.broadcastOffsets(kept, x.shape());
        for (int i = 0; i < in.length; i++) {
            int t = target[i];
            acc[t] = switch (op) {
                case SUM, MEAN -> acc[t] + in[i];
                case MAX -> Math.max(acc[t], in[i]);
                case MIN -> Math.min(acc[t], in[i]);
            };
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (op == ReduceOp.MEAN ? acc[i] / count : acc[i]);
        }
        return wrap(out, OpChecks.reducedShape(x.shape(), reduced, keepDims));
    }

    /** NaN counts as the largest value (the first NaN wins), as in PyTorch. */
    @Override
    public Tensor argmax(Tensor x, int axis) {
        return argExtreme("argmax", x, axis, true);
    }

    /** NaN counts as the smallest value (the first NaN wins), as in PyTorch. */
    @Override
    public Tensor argmin(Tensor x, int axis) {
        return argExtreme("argmin", x, axis, false);
    }

    private Tensor argExtreme(String op, Tensor x, int axis, boolean max) {
        Shape.AxisSplit split = OpChecks.floatAxis(op, x, axis);
        int n = split.extent();
        int outer = split.outer();
        int inner = split.inner();
        if (n == 0 && outer * inner > 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of " + x.shape() + " is empty");
        }
        float[] in = CpuStorage.floats(x);
        int[] out = new int[outer * inner];
        int[] line = new int[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    line[j] = (o * n + j) * inner + i;
                }
                out[o * inner + i] = firstExtreme(in, line, max);
            }
        }
        return wrapInts(out, OpChecks.reducedShape(x.shape(), new int[] {split.axis()}, false));
    }

    /**
     * Position in {@code positions} of the first largest (or smallest) of the values {@code x[positions[k]]}.
     * NaN beats every number, so the first NaN wins.
     */
    private static int firstExtreme(float[] x, int[] positions, boolean max) {
        int best = 0;
        for (int k = 1; k < positions.length && !Float.isNaN(x[positions[best]]); k++) {
            float v = x[positions[k]];
            float b = x[positions[best]];
            if (Float.isNaN(v) || (max ? v > b : v < b)) {
                best = k;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- movement

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        OpChecks.checkReshape(x.shape(), shape);
        return x.reshape(shape);
    }

    @Override
    public Tensor permute(Tensor x, int... perm) {
        Shape shape = OpChecks.permutedShape(x.shape(), perm);
        int[] inStrides = x.shape().strides();
        int[] strides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            strides[i] = inStrides[x.shape().normaliseAxis(perm[i])];
        }
        return pick(x, StridedIndex.offsets(shape, strides, 0), shape);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        Shape shape = OpChecks.slicedShape(x.shape(), axis, start, end);
        int[] strides = x.shape().strides();
        int base = start * strides[x.shape().normaliseAxis(axis)];
        return pick(x, StridedIndex.offsets(shape, strides, base), shape);
    }

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after, float value) {
        Shape shape = OpChecks.paddedShape(x.shape(), before, after);
        int[] strides = shape.strides();
        int base = 0;
        for (int i = 0; i < strides.length; i++) {
            base += before[i] * strides[i];
        }
        Tensor out = full(shape, x.dtype(), value);
        place(x, StridedIndex.offsets(x.shape(), strides, base), out);
        return out;
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        Shape shape = OpChecks.concatShape(xs, axis);
        int a = shape.normaliseAxis(axis);
        int[] strides = shape.strides();
        Tensor out = full(shape, xs.get(0).dtype(), 0);
        int at = 0;
        for (Tensor x : xs) {
            place(x, StridedIndex.offsets(x.shape(), strides, at * strides[a]), out);
            at += x.dim(a);
        }
        return out;
    }

    @Override
    public Tensor expand(Tensor x, Shape shape) {
        OpChecks.requireBroadcastable("expand", x.shape(), shape);
        return pick(x, StridedIndex.broadcastOffsets(x.shape(), shape), shape);
    }

    @Override
    public Tensor gather(Tensor table, Tensor indices) {
        Shape shape = OpChecks.gatherShape(table, indices);
        int rows = table.dim(0);
        int rowSize = table.shape().numel(1, table.rank());
        int[] idx = CpuStorage.ints(indices);
        int[] source = new int[shape.numel()];
        for (int i = 0; i < idx.length; i++) {
            OpChecks.requireIndexInRange("gather", idx[i], rows);
            for (int e = 0; e < rowSize; e++) {
                source[i * rowSize + e] = idx[i] * rowSize + e;
            }
        }
        return pick(table, source, shape);
    }

    @Override
    public Tensor scatterAdd(Tensor indices, Tensor src, int rows) {
        Shape shape = OpChecks.scatterAddShape(indices, src, rows);
        int rowSize = shape.numel(1, shape.rank());
        int[] idx = CpuStorage.ints(indices);
        float[] in = CpuStorage.floats(src);
        double[] acc = new double[shape.numel()];
        for (int i = 0; i < idx.length; i++) {
            OpChecks.requireIndexInRange("scatterAdd", idx[i], rows);
            for (int e = 0; e < rowSize; e++) {
                acc[idx[i] * rowSize + e] += in[i * rowSize + e];
            }
        }
        return wrap(toFloats(acc), shape);
    }

    @Override
    public Tensor oneHot(Tensor indices, int depth) {
        Shape shape = OpChecks.oneHotShape(indices, depth);
        int[] idx = CpuStorage.ints(indices);
        float[] out = new float[shape.numel()];
        for (int i = 0; i < idx.length; i++) {
            OpChecks.requireIndexInRange("oneHot", idx[i], depth);
            out[i * depth + idx[i]] = 1f;
        }
        return wrap(out, shape);
    }

    /** A new tensor of {@code shape} (x's dtype) whose element {@code n} is x's element {@code source[n]}. */
    private Tensor pick(Tensor x, int[] source, Shape shape) {
        if (x.dtype() == DType.F32) {
            float[] in = CpuStorage.floats(x);
            float[] out = new float[source.length];
            for (int n = 0; n < out.length; n++) {
                out[n] = in[source[n]];
            }
            return wrap(out, shape);
        }
        int[] in = CpuStorage.ints(x);
        int[] out = new int[source.length];
        for (int n = 0; n < out.length; n++) {
            out[n] = in[source[n]];
        }
        return wrapInts(out, shape);
    }

    /** Writes x's element {@code n} to element {@code target[n]} of {@code out}, which has x's dtype. */
    private static void place(Tensor x, int[] target, Tensor out) {
        if (x.dtype() == DType.F32) {
            float[] in = CpuStorage.floats(x);
            float[] dst = CpuStorage.floats(out);
            for (int n = 0; n < in.length; n++) {
                dst[target[n]] = in[n];
            }
        } else {
            int[] in = CpuStorage.ints(x);
            int[] dst = CpuStorage.ints(out);
            for (int n = 0; n < in.length; n++) {
                dst[target[n]] = in[n];
            }
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- processing

    /** Dot products accumulate in double (each float product is exact there), rounded once to float. */
    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        OpChecks.MatmulGeometry g = OpChecks.matmul(a, b, transposeA, transposeB);
        Shape shape = g.shape();
        int m = g.m();
        int n = g.n();
        int k = g.k();
        Shape batch = Shape.of(Arrays.copyOf(shape.dims(), shape.rank() - 2));
        int[] aBatch = StridedIndex.broadcastOffsets(Shape.of(Arrays.copyOf(a.shape().dims(), a.rank() - 2)), batch);
        int[] bBatch = StridedIndex.broadcastOffsets(Shape.of(Arrays.copyOf(b.shape().dims(), b.rank() - 2)), batch);
        float[] x = CpuStorage.floats(a);
        float[] y = CpuStorage.floats(b);
        float[] out = new float[shape.numel()];
        for (int t = 0; t < batch.numel(); t++) {
            int aBase = aBatch[t] * m * k;
            int bBase = bBatch[t] * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        float u = x[aBase + (transposeA ? p * m + i : i * k + p)];
                        float v = y[bBase + (transposeB ? j * k + p : p * n + j)];
                        acc += (double) u * v;
                    }
                    out[(t * m + i) * n + j] = (float) acc;
                }
            }
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        OpChecks.requireDType("conv2d", x, DType.F32);
        OpChecks.requireDType("conv2d", weight, DType.F32);
        Shape shape = OpChecks.conv2dShape(x.shape(), weight.shape(), bias, params);
        float[] in = CpuStorage.floats(x);
        float[] w = CpuStorage.floats(weight);
        double[] acc = new double[shape.numel()];
        addBias("conv2d", acc, bias, shape);
        forEachConvTap(x.shape(), weight.shape(), shape, params,
                (out, wi, ii) -> acc[out] += (double) in[ii] * w[wi]);
        return wrap(toFloats(acc), shape);
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params) {
        OpChecks.requireDType("conv2dBackwardInput", weight, DType.F32);
        OpChecks.checkConv2dBackward("conv2dBackwardInput", gradOut, inputShape, weight.shape(), params);
        float[] g = CpuStorage.floats(gradOut);
        float[] w = CpuStorage.floats(weight);
        double[] acc = new double[inputShape.numel()];
        forEachConvTap(inputShape, weight.shape(), gradOut.shape(), params,
                (out, wi, ii) -> acc[ii] += (double) g[out] * w[wi]);
        return wrap(toFloats(acc), inputShape);
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, Shape weightShape, Conv2dParams params) {
        OpChecks.requireDType("conv2dBackwardWeight", x, DType.F32);
        OpChecks.checkConv2dBackward("conv2dBackwardWeight", gradOut, x.shape(), weightShape, params);
        float[] in = CpuStorage.floats(x);
        float[] g = CpuStorage.floats(gradOut);
        double[] acc = new double[weightShape.numel()];
        forEachConvTap(x.shape(), weightShape, gradOut.shape(), params,
                (out, wi, ii) -> acc[wi] += (double) in[ii] * g[out]);
        return wrap(toFloats(acc), weightShape);
    }

    /**
     * Computed as the input-gradient of the convolution that maps the result's shape to {@code x}'s:
     * the weight [Cin, Cout, kh, kw] is exactly that convolution's [O, C, kh, kw].
     */
    @Override
    public Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        OpChecks.requireDType("convTranspose2d", x, DType.F32);
        OpChecks.requireDType("convTranspose2d", weight, DType.F32);
        Shape shape = OpChecks.convTranspose2dShape(x.shape(), weight.shape(), bias, params);
        float[] in = CpuStorage.floats(x);
        float[] w = CpuStorage.floats(weight);
        double[] acc = new double[shape.numel()];
        addBias("convTranspose2d", acc, bias, shape);
        forEachConvTap(shape, weight.shape(), x.shape(), params,
                (out, wi, ii) -> acc[ii] += (double) in[out] * w[wi]);
        return wrap(toFloats(acc), shape);
    }

    /** Adds {@code bias[c]} (if any) to every element of channel c of an NCHW accumulator. */
    private static void addBias(String op, double[] acc, Tensor bias, Shape shape) {
        if (bias == null) {
            return;
        }
        OpChecks.requireDType(op, bias, DType.F32);
        float[] b = CpuStorage.floats(bias);
        int channels = shape.dim(1);
        int plane = shape.dim(2) * shape.dim(3);
        for (int i = 0; i < acc.length; i++) {
            acc[i] = b[(i / plane) % channels];
        }
    }

    /** One multiply of a convolution: flat indices into the output, the weight and the input. */
    @FunctionalInterface
    private interface ConvTap {
        void accept(int outIndex, int weightIndex, int inIndex);
    }

    /**
     * Calls {@code tap} for every (output, weight, input) element triple of the convolution of an input
     * of shape {@code in} [N, C, H, W] by a weight {@code weight} [O, C, kh, kw] into an output of shape
     * {@code out} [N, O, H', W'], skipping input positions that fall on the zero padding.
     */
    private static void forEachConvTap(Shape in, Shape weight, Shape out, Conv2dParams p, ConvTap tap) {
        int batch = in.dim(0);
        int inC = in.dim(1);
        int inH = in.dim(2);
        int inW = in.dim(3);
        int outC = weight.dim(0);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        int outH = out.dim(2);
        int outW = out.dim(3);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outC; o++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int outIndex = ((n * outC + o) * outH + oy) * outW + ox;
                        for (int c = 0; c < inC; c++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                if (iy < 0 || iy >= inH) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                    if (ix < 0 || ix >= inW) {
                                        continue;
                                    }
                                    tap.accept(outIndex, ((o * inC + c) * kh + ky) * kw + kx, ((n * inC + c) * inH + iy) * inW + ix);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** NaN counts as the largest value: a window holding NaN gives NaN. */
    @Override
    public Tensor maxPool2d(Tensor x, Pool2dParams params) {
        return extremePool("maxPool2d", x, params, true);
    }

    @Override
    public Tensor maxPool2dBackward(Tensor x, Tensor gradOut, Pool2dParams params) {
        OpChecks.requireDType("maxPool2dBackward", x, DType.F32);
        OpChecks.checkPool2dBackward("maxPool2dBackward", gradOut, x.shape(), params);
        float[] in = CpuStorage.floats(x);
        float[] g = CpuStorage.floats(gradOut);
        int[][] windows = poolWindows(x.shape(), gradOut.shape(), params);
        double[] acc = new double[in.length];
        for (int o = 0; o < windows.length; o++) {
            acc[windows[o][firstExtreme(in, windows[o], true)]] += g[o];
        }
        return wrap(toFloats(acc), x.shape());
    }

    /** NaN counts as the smallest value: a window holding NaN gives NaN. */
    @Override
    public Tensor minPool2d(Tensor x, Pool2dParams params) {
        return extremePool("minPool2d", x, params, false);
    }

    private Tensor extremePool(String op, Tensor x, Pool2dParams params, boolean max) {
        OpChecks.requireDType(op, x, DType.F32);
        Shape shape = OpChecks.pool2dShape(op, x.shape(), params);
        float[] in = CpuStorage.floats(x);
        int[][] windows = poolWindows(x.shape(), shape, params);
        float[] out = new float[shape.numel()];
        for (int o = 0; o < out.length; o++) {
            out[o] = in[windows[o][firstExtreme(in, windows[o], max)]];
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dParams params) {
        OpChecks.requireDType("avgPool2d", x, DType.F32);
        Shape shape = OpChecks.pool2dShape("avgPool2d", x.shape(), params);
        float[] in = CpuStorage.floats(x);
        int[][] windows = poolWindows(x.shape(), shape, params);
        float[] out = new float[shape.numel()];
        for (int o = 0; o < out.length; o++) {
            double sum = 0;
            for (int i : windows[o]) {
                sum += in[i];
            }
            out[o] = (float) (sum / averageDivisor(windows[o], params));
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, Shape inputShape, Pool2dParams params) {
        OpChecks.checkPool2dBackward("avgPool2dBackward", gradOut, inputShape, params);
        float[] g = CpuStorage.floats(gradOut);
        int[][] windows = poolWindows(inputShape, gradOut.shape(), params);
        double[] acc = new double[inputShape.numel()];
        for (int o = 0; o < windows.length; o++) {
            double share = g[o] / averageDivisor(windows[o], params);
            for (int i : windows[o]) {
                acc[i] += share;
            }
        }
        return wrap(toFloats(acc), inputShape);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleShape("upsampleNearest2d", x, scaleH, scaleW);
        float[] in = CpuStorage.floats(x);
        int planes = x.dim(0) * x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int outH = shape.dim(2);
        int outW = shape.dim(3);
        float[] out = new float[shape.numel()];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    out[(p * outH + i) * outW + j] = in[(p * h + i / scaleH) * w + j / scaleW];
                }
            }
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor upsampleNearest2dBackward(Tensor gradOut, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleBackwardShape(gradOut, scaleH, scaleW);
        float[] g = CpuStorage.floats(gradOut);
        int planes = shape.dim(0) * shape.dim(1);
        int h = shape.dim(2);
        int w = shape.dim(3);
        int outW = gradOut.dim(3);
        float[] out = new float[shape.numel()];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double sum = 0;
                    for (int di = 0; di < scaleH; di++) {
                        for (int dj = 0; dj < scaleW; dj++) {
                            sum += g[((p * h + i) * scaleH + di) * outW + j * scaleW + dj];
                        }
                    }
                    out[(p * h + i) * w + j] = (float) sum;
                }
            }
        }
        return wrap(out, shape);
    }

    private static double averageDivisor(int[] window, Pool2dParams params) {
        return params.countPadding() ? params.kernelH() * params.kernelW() : window.length;
    }

    /**
     * For every element of a pooling's output {@code out} [N, C, H', W'], the flat indices into the input
     * {@code in} [N, C, H, W] of the real (not padded) elements of its window, in row-major order. With
     * padding at most half the window, every window holds at least one real element.
     */
    private static int[][] poolWindows(Shape in, Shape out, Pool2dParams p) {
        int planes = in.dim(0) * in.dim(1);
        int inH = in.dim(2);
        int inW = in.dim(3);
        int outH = out.dim(2);
        int outW = out.dim(3);
        int[][] windows = new int[out.numel()][];
        int[] buffer = new int[p.kernelH() * p.kernelW()];
        for (int plane = 0; plane < planes; plane++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int count = 0;
                    for (int ky = 0; ky < p.kernelH(); ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky;
                        for (int kx = 0; kx < p.kernelW(); kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                buffer[count++] = (plane * inH + iy) * inW + ix;
                            }
                        }
                    }
                    windows[(plane * outH + oy) * outW + ox] = Arrays.copyOf(buffer, count);
                }
            }
        }
        return windows;
    }

    // ---------------------------------------------------------------- batch normalisation

    /** Two passes per channel in double: the mean, then the mean squared deviation from it. */
    @Override
    public BatchStatistics batchNormStatistics(Tensor x) {
        OpChecks.checkBatchNormInput("batchNormStatistics", x);
        float[] in = CpuStorage.floats(x);
        int channels = x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        double count = (double) x.dim(0) * plane;
        float[] mean = new float[channels];
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int n = 0; n < x.dim(0); n++) {
                for (int i = (n * channels + c) * plane, end = i + plane; i < end; i++) {
                    sum += in[i];
                }
            }
            double m = sum / count;
            double squares = 0;
            for (int n = 0; n < x.dim(0); n++) {
                for (int i = (n * channels + c) * plane, end = i + plane; i < end; i++) {
                    squares += (in[i] - m) * (in[i] - m);
                }
            }
            mean[c] = (float) m;
            variance[c] = (float) (squares / count);
        }
        return new BatchStatistics(wrap(mean, Shape.of(channels)), wrap(variance, Shape.of(channels)));
    }

    @Override
    public Tensor batchNorm2d(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias, float eps) {
        OpChecks.checkBatchNorm("batchNorm2d", x, eps, mean, variance, weight, bias);
        float[] in = CpuStorage.floats(x);
        float[] m = CpuStorage.floats(mean);
        float[] v = CpuStorage.floats(variance);
        float[] w = CpuStorage.floats(weight);
        float[] b = CpuStorage.floats(bias);
        int channels = x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            int c = i / plane % channels;
            out[i] = (float) (((double) in[i] - m[c]) / Math.sqrt((double) v[c] + eps) * w[c] + b[c]);
        }
        return wrap(out, x.shape());
    }

    @Override
    public BatchNormGradients batchNorm2dBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor variance, Tensor weight,
                                                  float eps, boolean batchStatistics) {
        OpChecks.checkBatchNorm("batchNorm2dBackward", x, eps, mean, variance, weight);
        OpChecks.requireSameShape("batchNorm2dBackward", gradOut, x);
        OpChecks.requireDType("batchNorm2dBackward", gradOut, DType.F32);
        float[] g = CpuStorage.floats(gradOut);
        float[] in = CpuStorage.floats(x);
        int channels = x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        double count = (double) x.dim(0) * plane;
        float[] gradX = new float[in.length];
        float[] gradWeight = new float[channels];
        float[] gradBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = CpuStorage.floats(mean)[c];
            double inverseStd = 1 / Math.sqrt((double) CpuStorage.floats(variance)[c] + eps);
            double sum = 0;
            double sumCentred = 0;
            for (int n = 0; n < x.dim(0); n++) {
                for (int i = (n * channels + c) * plane, end = i + plane; i < end; i++) {
                    sum += g[i];
                    sumCentred += g[i] * ((in[i] - m) * inverseStd);
                }
            }
            double scale = CpuStorage.floats(weight)[c] * inverseStd;
            for (int n = 0; n < x.dim(0); n++) {
                for (int i = (n * channels + c) * plane, end = i + plane; i < end; i++) {
                    double centred = (in[i] - m) * inverseStd;
                    gradX[i] = (float) (batchStatistics
                            ? scale * (g[i] - sum / count - centred * sumCentred / count)
                            : scale * g[i]);
                }
            }
            gradWeight[c] = (float) sumCentred;
            gradBias[c] = (float) sum;
        }
        return new BatchNormGradients(wrap(gradX, x.shape()), wrap(gradWeight, Shape.of(channels)),
                wrap(gradBias, Shape.of(channels)));
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return softmaxAlong("softmax", x, axis, false);
    }

    @Override
    public Tensor logSoftmax(Tensor x, int axis) {
        return softmaxAlong("logSoftmax", x, axis, true);
    }

    /** Softmax or log-softmax along an axis: the maximum is subtracted and the denominator summed in double. */
    Tensor softmaxAlong(String op, Tensor x, int axis, boolean log) {
        Shape.AxisSplit split = OpChecks.floatAxis(op, x, axis);
        float[] out = new float[x.numel()];
        softmaxRows(CpuStorage.floats(x), out, split.extent(), split.inner(), log, 0, split.outer() * split.inner());
        return wrap(out, x.shape());
    }

    /**
     * Rows {@code [from, to)} of a softmax (or log-softmax) along an axis of extent {@code n}: row
     * {@code o * inner + i} holds the elements {@code o * n * inner + i + j * inner}, j &lt; n. Each exponential is
     * computed once, in double, and kept for the quotient.
     */
    static void softmaxRows(float[] in, float[] out, int n, int inner, boolean log, int from, int to) {
        double[] exps = new double[n];
        for (int row = from; row < to; row++) {
            int base = row / inner * n * inner + row % inner;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, in[base + j * inner]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                exps[j] = Math.exp(in[base + j * inner] - max);
                sum += exps[j];
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < n; j++) {
                out[base + j * inner] = (float) (log ? in[base + j * inner] - max - logSum : exps[j] / sum);
            }
        }
    }

    @Override
    public Tensor crossEntropy(Tensor logits, Tensor targets) {
        OpChecks.checkCrossEntropy(logits, targets);
        int rows = logits.dim(0);
        int classes = logits.dim(1);
        float[] in = CpuStorage.floats(logits);
        int[] t = CpuStorage.ints(targets);
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            OpChecks.requireIndexInRange("crossEntropy", t[r], classes);
            int base = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, in[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(in[base + c] - max);
            }
            out[r] = (float) (max + Math.log(sum) - in[base + t[r]]);
        }
        return wrap(out, Shape.of(rows));
    }

    // ---------------------------------------------------------------- fused ops

    /** Distances in double, so only exactly equal distances (duplicate codes) tie. */
    @Override
    public Tensor vqNearest(Tensor z, Tensor codebook) {
        OpChecks.checkVqNearest(z, codebook);
        int n = z.dim(0);
        int codes = codebook.dim(0);
        int d = z.dim(1);
        float[] zs = CpuStorage.floats(z);
        float[] e = CpuStorage.floats(codebook);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int k = 0; k < codes; k++) {
                double normE = 0;
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    normE += (double) e[k * d + j] * e[k * d + j];
                    dot += (double) zs[i * d + j] * e[k * d + j];
                }
                double distance = normE - 2 * dot;
                if (distance < best) {
                    best = distance;
                    out[i] = k;
                }
            }
        }
        return wrapInts(out, Shape.of(n));
    }

    @Override
    public VqStatistics vqEmaStatistics(Tensor z, Tensor assignments, int codes) {
        OpChecks.checkVqEmaStatistics(z, assignments, codes);
        int n = z.dim(0);
        int d = z.dim(1);
        float[] zs = CpuStorage.floats(z);
        int[] a = CpuStorage.ints(assignments);
        double[] counts = new double[codes];
        double[] sums = new double[codes * d];
        for (int i = 0; i < n; i++) {
            OpChecks.requireIndexInRange("vqEmaStatistics", a[i], codes);
            counts[a[i]] += 1;
            for (int j = 0; j < d; j++) {
                sums[a[i] * d + j] += zs[i * d + j];
            }
        }
        return new VqStatistics(wrap(toFloats(counts), Shape.of(codes)), wrap(toFloats(sums), Shape.of(codes, d)));
    }

    @Override
    public AttentionResult causalAttention(Tensor query, Tensor key, Tensor value, float scale) {
        OpChecks.checkAttention(query, key, value);
        AttentionRows rows = new AttentionRows(query, key, value, scale);
        float[] out = new float[value.numel()];
        float[] logSumExp = new float[rows.heads * rows.length];
        for (int h = 0; h < rows.heads; h++) {
            for (int i = 1; i < rows.length; i++) {
                double[] p = rows.probabilities(h, i);
                for (int c = 0; c < rows.dv; c++) {
                    double acc = 0;
                    for (int j = 0; j < i; j++) {
                        acc += p[j] * rows.v[rows.valueIndex(h, j, c)];
                    }
                    out[rows.valueIndex(h, i, c)] = (float) acc;
                }
                logSumExp[h * rows.length + i] = (float) AttentionRows.logSumExp(rows.scores(h, i));
            }
        }
        return new AttentionResult(wrap(out, value.shape()), wrap(logSumExp, Shape.of(query.dim(0), query.dim(1), query.dim(2))));
    }

    /**
     * Recomputes each row's probabilities in double from {@code query} and {@code key} (rather than from
     * the float {@code forward.logSumExp()}), so the oracle is as exact as it can be; {@code forward} is
     * only checked for shape.
     */
    @Override
    public AttentionGradients causalAttentionBackward(Tensor query, Tensor key, Tensor value, float scale,
                                                      AttentionResult forward, Tensor gradOut) {
        OpChecks.checkAttentionBackward(query, key, value, forward, gradOut);
        AttentionRows rows = new AttentionRows(query, key, value, scale);
        float[] dOut = CpuStorage.floats(gradOut);
        double[] dq = new double[query.numel()];
        double[] dk = new double[key.numel()];
        double[] dv = new double[value.numel()];
        for (int h = 0; h < rows.heads; h++) {
            for (int i = 1; i < rows.length; i++) {
                double[] p = rows.probabilities(h, i);
                // dP_ij = dO_i . v_j; the softmax Jacobian gives dS_ij = p_ij (dP_ij - sum_l p_il dP_il)
                double[] dp = new double[i];
                double weighted = 0;
                for (int j = 0; j < i; j++) {
                    for (int c = 0; c < rows.dv; c++) {
                        dp[j] += (double) dOut[rows.valueIndex(h, i, c)] * rows.v[rows.valueIndex(h, j, c)];
                        dv[rows.valueIndex(h, j, c)] += p[j] * dOut[rows.valueIndex(h, i, c)];
                    }
                    weighted += p[j] * dp[j];
                }
                for (int j = 0; j < i; j++) {
                    double ds = p[j] * (dp[j] - weighted) * scale;
                    for (int c = 0; c < rows.dk; c++) {
                        dq[rows.keyIndex(h, i, c)] += ds * rows.k[rows.keyIndex(h, j, c)];
                        dk[rows.keyIndex(h, j, c)] += ds * rows.q[rows.keyIndex(h, i, c)];
                    }
                }
            }
        }
        return new AttentionGradients(wrap(toFloats(dq), query.shape()), wrap(toFloats(dk), key.shape()),
                wrap(toFloats(dv), value.shape()));
    }

    /** The arrays and sizes of one causal attention call, with the per-row softmax in double. */
    private static final class AttentionRows {
        final float[] q;
        final float[] k;
        final float[] v;
        final double scale;
        /** B * H: the attention heads of every batch element, each independent. */
        final int heads;
        final int length;
        final int dk;
        final int dv;

        AttentionRows(Tensor query, Tensor key, Tensor value, float scale) {
            this.q = CpuStorage.floats(query);
            this.k = CpuStorage.floats(key);
            this.v = CpuStorage.floats(value);
            this.scale = scale;
            this.heads = query.dim(0) * query.dim(1);
            this.length = query.dim(2);
            this.dk = query.dim(3);
            this.dv = value.dim(3);
        }

        int keyIndex(int head, int row, int c) {
            return (head * length + row) * dk + c;
        }

        int valueIndex(int head, int row, int c) {
            return (head * length + row) * dv + c;
        }

        /** {@code scale * q_i . k_j} for the keys j &lt; i that query row i sees. */
        double[] scores(int head, int i) {
            double[] s = new double[i];
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int c = 0; c < dk; c++) {
                    dot += (double) q[keyIndex(head, i, c)] * k[keyIndex(head, j, c)];
                }
                s[j] = scale * dot;
            }
            return s;
        }

        /** {@code log sum_j exp(s_j)} of a non-empty row of scores, with the maximum subtracted. */
        static double logSumExp(double[] s) {
            double max = Double.NEGATIVE_INFINITY;
            for (double x : s) {
                max = Math.max(max, x);
            }
            double sum = 0;
            for (double x : s) {
                sum += Math.exp(x - max);
            }
            return max + Math.log(sum);
        }

        /** {@code softmax_j(s_ij)} over the keys j &lt; i; row i &gt;= 1. */
        double[] probabilities(int head, int i) {
            double[] s = scores(head, i);
            double lse = logSumExp(s);
            for (int j = 0; j < i; j++) {
                s[j] = Math.exp(s[j] - lse);
            }
            return s;
        }
    }

    @Override
    public Tensor minAvgPool(Tensor x, int minKernel, int avgKernel) {
        OpChecks.checkMinAvgPool(x, minKernel, avgKernel);
        Tensor min = minPool2d(x, new Pool2dParams(minKernel, minKernel, 1, 1, minKernel / 2, minKernel / 2, false));
        return avgPool2d(min, new Pool2dParams(avgKernel, avgKernel, 1, 1, avgKernel / 2, avgKernel / 2, true));
    }

    /**
     * Per element, in double: {@code g = grad (+ weightDecay * param unless decoupled)};
     * {@code m = beta1 m + (1 - beta1) g}; {@code v = beta2 v + (1 - beta2) g^2};
     * {@code param -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
     * (+ lr * weightDecay * param when decoupled, with the param before this step)}.
     */
    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams params) {
        OpChecks.checkAdam(param, grad, firstMoment, secondMoment);
        float[] w = CpuStorage.floats(param);
        float[] g = CpuStorage.floats(grad);
        float[] m = CpuStorage.floats(firstMoment);
        float[] v = CpuStorage.floats(secondMoment);
        double lr = params.learningRate();
        double beta1 = params.beta1();
        double beta2 = params.beta2();
        double decay = params.weightDecay();
        double correction1 = 1 - Math.pow(beta1, params.step());
        double correction2 = 1 - Math.pow(beta2, params.step());
        for (int i = 0; i < w.length; i++) {
            double gi = params.decoupled() ? g[i] : g[i] + decay * w[i];
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            double update = lr * (mi / correction1) / (Math.sqrt(vi / correction2) + params.epsilon());
            double decayed = params.decoupled() ? w[i] - lr * decay * w[i] : w[i];
            w[i] = (float) (decayed - update);
            m[i] = (float) mi;
            v[i] = (float) vi;
        }
    }
}
