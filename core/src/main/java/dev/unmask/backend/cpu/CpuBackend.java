package dev.unmask.backend.cpu;

import dev.unmask.backend.cpu.kernels.BatchNorm;
import dev.unmask.backend.cpu.kernels.CausalAttention;
import dev.unmask.backend.cpu.kernels.Convolution;
import dev.unmask.backend.cpu.kernels.Elementwise;
import dev.unmask.backend.cpu.kernels.ExtremePool;
import dev.unmask.backend.cpu.kernels.FloatKernels;
import dev.unmask.backend.cpu.kernels.Gemm;
import dev.unmask.backend.cpu.kernels.KernelProvider;
import dev.unmask.backend.cpu.kernels.MinAvgPool;
import dev.unmask.backend.cpu.kernels.ParallelFor;
import dev.unmask.backend.cpu.kernels.Reductions;
import dev.unmask.backend.cpu.kernels.Upsampling;
import dev.unmask.backend.cpu.kernels.VqNearest;
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
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The fast CPU backend: the reference backend with its hot ops replaced by blocked, multi-threaded and
 * SIMD kernels (package {@code dev.unmask.backend.cpu.kernels}). Every override is tested against
 * {@link ReferenceBackend}. Threads come from one shared pool sized by {@code unmask.threads}.
 */
public class CpuBackend extends ReferenceBackend {
    /** Below this many multiply-adds a matmul runs on the calling thread: a hand-off costs more. */
    private static final long PARALLEL_WORK = 1L << 16;

    /** Below this many copied elements a gather runs on the calling thread. */
    private static final int PARALLEL_COPY = 1 << 15;

    private final FloatKernels kernels = KernelProvider.kernels();

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = "binary " + op;
        OpChecks.requireDType(name, a, DType.F32);
        OpChecks.requireDType(name, b, DType.F32);
        Shape shape = OpChecks.broadcastShape(name, a.shape(), b.shape());
        float[] out = new float[shape.numel()];
        Elementwise.binary(op, CpuStorage.floats(a), broadcastStrides(a.shape(), shape), CpuStorage.floats(b),
                broadcastStrides(b.shape(), shape), shape.dims(), out);
        return wrap(out, shape);
    }

    /** Per axis of {@code target}, the stride of {@code source} (right-aligned) along it; 0 where it broadcasts. */
    private static int[] broadcastStrides(Shape source, Shape target) {
        int[] strides = new int[target.rank()];
        int[] own = source.strides();
        int shift = target.rank() - source.rank();
        for (int i = shift; i < target.rank(); i++) {
            strides[i] = source.dim(i - shift) == 1 ? 0 : own[i - shift];
        }
        return strides;
    }

    @Override
    public Tensor compare(CompareOp op, Tensor a, Tensor b) {
        String name = "compare " + op;
        OpChecks.requireDType(name, a, DType.F32);
        OpChecks.requireDType(name, b, DType.F32);
        Shape shape = OpChecks.broadcastShape(name, a.shape(), b.shape());
        float[] out = new float[shape.numel()];
        Elementwise.compare(op, CpuStorage.floats(a), broadcastStrides(a.shape(), shape), CpuStorage.floats(b),
                broadcastStrides(b.shape(), shape), shape.dims(), out);
        return wrap(out, shape);
    }

    @Override
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        Shape shape = OpChecks.whereShape(mask, a, b);
        float[] out = new float[shape.numel()];
        Elementwise.where(CpuStorage.floats(mask), broadcastStrides(mask.shape(), shape), CpuStorage.floats(a),
                broadcastStrides(a.shape(), shape), CpuStorage.floats(b), broadcastStrides(b.shape(), shape),
                shape.dims(), out);
        return wrap(out, shape);
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return mapFloats("unary " + op, x, (in, out) -> Elementwise.unary(kernels, op, in, out));
    }

    @Override
    public Tensor elu(Tensor x, float alpha) {
        return mapFloats("elu", x, (in, out) -> Elementwise.elu(kernels, in, alpha, out));
    }

    @Override
    public Tensor reluBackward(Tensor grad, Tensor x) {
        OpChecks.requireActivationBackward("reluBackward", grad, x);
        return mapFloats("reluBackward", x, (in, out) -> Elementwise.reluBackward(kernels, CpuStorage.floats(grad), in, out));
    }

    @Override
    public Tensor eluBackward(Tensor grad, Tensor x, Tensor y, float alpha) {
        OpChecks.requireActivationBackward("eluBackward", grad, x, y);
        return mapFloats("eluBackward", x,
                (in, out) -> Elementwise.eluBackward(kernels, CpuStorage.floats(grad), in, CpuStorage.floats(y), alpha, out));
    }

    /** The reference's rows split between threads (bit-identical): 4096 x 512 logits per PixelSNAIL training step. */
    @Override
    Tensor softmaxAlong(String op, Tensor x, int axis, boolean log) {
        Shape.AxisSplit split = OpChecks.floatAxis(op, x, axis);
        float[] in = CpuStorage.floats(x);
        float[] out = new float[in.length];
        ParallelFor.range(split.outer() * split.inner(),
                (start, end) -> softmaxRows(in, out, split.extent(), split.inner(), log, start, end));
        return wrap(out, x.shape());
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        return mapFloats("leakyRelu", x, (in, out) -> Elementwise.leakyRelu(in, slope, out));
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return mapFloats("clamp", x, (in, out) -> Elementwise.clamp(in, lo, hi, out));
    }

    /** An F32 tensor of x's shape filled by {@code kernel(in, out)} from x's values. */
    private Tensor mapFloats(String op, Tensor x, BiConsumer<float[], float[]> kernel) {
        OpChecks.requireDType(op, x, DType.F32);
        float[] out = new float[x.numel()];
        kernel.accept(CpuStorage.floats(x), out);
        return wrap(out, x.shape());
    }

    /** Bit-identical to the reference: the same double accumulation in the same order, threaded over outputs. */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        String name = "reduce " + op;
        OpChecks.requireDType(name, x, DType.F32);
        int[] reducedAxes = OpChecks.reductionAxes(name, x.shape(), axes);
        if (x.numel() == 0) {
            // empty inputs: the reference's error for MAX/MIN and its empty sums are the contract
            return super.reduce(op, x, axes, keepDims);
        }
        boolean[] reduced = new boolean[x.rank()];
        for (int a : reducedAxes) {
            reduced[a] = true;
        }
        Shape shape = OpChecks.reducedShape(x.shape(), reducedAxes, keepDims);
        float[] out = new float[shape.numel()];
        Reductions.reduce(op, CpuStorage.floats(x), x.shape().dims(), reduced, out);
        return wrap(out, shape);
    }

    /** One block copy per combination of the axes before {@code axis}. */
    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        Shape shape = OpChecks.slicedShape(x.shape(), axis, start, end);
        Shape.AxisSplit split = x.shape().splitAt(axis);
        int outer = split.outer();
        int inner = split.inner();
        int from = split.extent() * inner;
        int block = (end - start) * inner;
        if (x.dtype() == DType.F32) {
            float[] in = CpuStorage.floats(x);
            float[] out = new float[shape.numel()];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(in, o * from + start * inner, out, o * block, block);
            }
            return wrap(out, shape);
        }
        int[] in = CpuStorage.ints(x);
        int[] out = new int[shape.numel()];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(in, o * from + start * inner, out, o * block, block);
        }
        return wrapInts(out, shape);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams params) {
        OpChecks.checkAdam(param, grad, firstMoment, secondMoment);
        Elementwise.adam(CpuStorage.floats(param), CpuStorage.floats(grad), CpuStorage.floats(firstMoment),
                CpuStorage.floats(secondMoment), params);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        OpChecks.MatmulGeometry g = OpChecks.matmul(a, b, transposeA, transposeB);
        Shape outShape = g.shape();
        int m = g.m();
        int n = g.n();
        int depth = g.k();
        int batch = g.batches();
        int[] batchDims = Arrays.copyOf(outShape.dims(), outShape.rank() - 2);
        float[] av = CpuStorage.floats(a);
        float[] bv = CpuStorage.floats(b);
        float[] out = new float[outShape.numel()];
        int aRow = transposeA ? 1 : depth;
        int aCol = transposeA ? m : 1;
        int bRow = transposeB ? 1 : n;
        int bCol = transposeB ? depth : 1;
        long work = (long) batch * m * n * depth;
        int rowParts = work < PARALLEL_WORK || batch >= ParallelFor.THREADS ? 1 : Math.max(1, Math.min(ParallelFor.THREADS, m / 16));
        ParallelFor.RangeBody body = (start, end) -> {
            for (int t = start; t < end; t++) {
                int bi = t / rowParts;
                int part = t % rowParts;
                int r0 = (int) ((long) m * part / rowParts);
                int r1 = (int) ((long) m * (part + 1) / rowParts);
                int aOff = broadcastIndex(bi, batchDims, a.shape()) * m * depth + r0 * aRow;
                int bOff = broadcastIndex(bi, batchDims, b.shape()) * depth * n;
                Gemm.multiply(kernels, r1 - r0, n, depth, av, aOff, aRow, aCol, bv, bOff, bRow, bCol,
                        out, (bi * m + r0) * n, n, false);
            }
        };
        if (work < PARALLEL_WORK) {
            body.run(0, batch);
        } else {
            ParallelFor.range(batch * rowParts, body);
        }
        return wrap(out, outShape);
    }

    /** Flat batch index into {@code operand} (rank >= 2) for flat output batch index {@code outIndex}, with broadcasting. */
    private static int broadcastIndex(int outIndex, int[] outBatch, Shape operand) {
        int opBatchRank = operand.rank() - 2;
        int index = 0;
        int stride = 1;
        int rest = outIndex;
        for (int i = outBatch.length - 1; i >= 0; i--) {
            int coord = rest % outBatch[i];
            rest /= outBatch[i];
            int j = i - (outBatch.length - opBatchRank);
            if (j >= 0) {
                int size = operand.dim(j);
                index += (size == 1 ? 0 : coord) * stride;
                stride *= size;
            }
        }
        return index;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        requireF32("conv2d", x, weight, bias);
        Shape out = OpChecks.conv2dShape(x.shape(), weight.shape(), bias, params);
        Convolution.Geometry g = geometry(x.shape(), weight.shape(), out, params);
        return wrap(Convolution.forward(kernels, g, CpuStorage.floats(x), CpuStorage.floats(weight),
                bias == null ? null : CpuStorage.floats(bias)), out);
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params) {
        requireF32("conv2dBackwardInput", gradOut, weight, null);
        OpChecks.checkConv2dBackward("conv2dBackwardInput", gradOut, inputShape, weight.shape(), params);
        Shape out = gradOut.shape();
        Convolution.Geometry g = geometry(inputShape, weight.shape(), out, params);
        return wrap(Convolution.backwardInput(kernels, g, CpuStorage.floats(gradOut), CpuStorage.floats(weight)), inputShape);
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, Shape weightShape, Conv2dParams params) {
        requireF32("conv2dBackwardWeight", x, gradOut, null);
        OpChecks.checkConv2dBackward("conv2dBackwardWeight", gradOut, x.shape(), weightShape, params);
        Shape out = gradOut.shape();
        Convolution.Geometry g = geometry(x.shape(), weightShape, out, params);
        return wrap(Convolution.backwardWeight(kernels, g, CpuStorage.floats(x), CpuStorage.floats(gradOut)), weightShape);
    }

    /** The input gradient of a convolution whose weight [Cin, Cout, kh, kw] maps Cout channels to Cin, plus bias. */
    @Override
    public Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        requireF32("convTranspose2d", x, weight, bias);
        Shape out = OpChecks.convTranspose2dShape(x.shape(), weight.shape(), bias, params);
        Convolution.Geometry g = new Convolution.Geometry(out.dim(0), out.dim(1), out.dim(2), out.dim(3),
                weight.dim(0), weight.dim(2), weight.dim(3), x.dim(2), x.dim(3), params);
        float[] y = Convolution.backwardInput(kernels, g, CpuStorage.floats(x), CpuStorage.floats(weight));
        if (bias != null) {
            Convolution.addBias(y, CpuStorage.floats(bias), out.dim(0), out.dim(1), out.dim(2) * out.dim(3));
        }
        return wrap(y, out);
    }

    // ---------------------------------------------------------------- movement (F32; other dtypes: reference)

    @Override
    public Tensor permute(Tensor x, int... perm) {
        if (x.dtype() != DType.F32) {
            return super.permute(x, perm);
        }
        Shape shape = OpChecks.permutedShape(x.shape(), perm);
        int[] inStrides = x.shape().strides();
        int[] strides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            strides[i] = inStrides[x.shape().normaliseAxis(perm[i])];
        }
        float[] out = new float[shape.numel()];
        Elementwise.gatherStrided(CpuStorage.floats(x), 0, strides, shape.dims(), out);
        return wrap(out, shape);
    }

    @Override
    public Tensor expand(Tensor x, Shape shape) {
        if (x.dtype() != DType.F32) {
            return super.expand(x, shape);
        }
        OpChecks.requireBroadcastable("expand", x.shape(), shape);
        float[] out = new float[shape.numel()];
        Elementwise.gatherStrided(CpuStorage.floats(x), 0, broadcastStrides(x.shape(), shape), shape.dims(), out);
        return wrap(out, shape);
    }

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after, float value) {
        if (x.dtype() != DType.F32) {
            return super.pad(x, before, after, value);
        }
        Shape shape = OpChecks.paddedShape(x.shape(), before, after);
        int[] strides = shape.strides();
        int base = 0;
        for (int i = 0; i < strides.length; i++) {
            base += before[i] * strides[i];
        }
        float[] out = new float[shape.numel()];
        if (value != 0f) {
            Arrays.fill(out, value);
        }
        Elementwise.scatterStrided(CpuStorage.floats(x), x.shape().dims(), out, base, strides);
        return wrap(out, shape);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        Shape shape = OpChecks.concatShape(xs, axis);
        if (xs.get(0).dtype() != DType.F32) {
            return super.concat(xs, axis);
        }
        int a = shape.normaliseAxis(axis);
        int[] strides = shape.strides();
        float[] out = new float[shape.numel()];
        int at = 0;
        for (Tensor x : xs) {
            Elementwise.scatterStrided(CpuStorage.floats(x), x.shape().dims(), out, at * strides[a], strides);
            at += x.dim(a);
        }
        return wrap(out, shape);
    }

    /** Copies whole rows of the table: one {@code System.arraycopy} per index. */
    @Override
    public Tensor gather(Tensor table, Tensor indices) {
        if (table.dtype() != DType.F32) {
            return super.gather(table, indices);
        }
        Shape shape = OpChecks.gatherShape(table, indices);
        int rows = table.dim(0);
        int rowSize = table.shape().numel(1, table.rank());
        int[] idx = CpuStorage.ints(indices);
        float[] in = CpuStorage.floats(table);
        float[] out = new float[shape.numel()];
        for (int i = 0; i < idx.length; i++) {
            OpChecks.requireIndexInRange("gather", idx[i], rows);
        }
        ParallelFor.RangeBody copy = (start, end) -> {
            for (int i = start; i < end; i++) {
                System.arraycopy(in, idx[i] * rowSize, out, i * rowSize, rowSize);
            }
        };
        if (out.length < PARALLEL_COPY) {
            copy.run(0, idx.length);
        } else {
            ParallelFor.range(idx.length, copy);
        }
        return wrap(out, shape);
    }

    @Override
    public Tensor vqNearest(Tensor z, Tensor codebook) {
        OpChecks.checkVqNearest(z, codebook);
        requireF32("vqNearest", z, codebook, null);
        int[] out = new int[z.dim(0)];
        VqNearest.nearest(kernels, z.dim(0), z.dim(1), codebook.dim(0), CpuStorage.floats(z), CpuStorage.floats(codebook), out);
        return wrapInts(out, Shape.of(z.dim(0)));
    }

    @Override
    public AttentionResult causalAttention(Tensor query, Tensor key, Tensor value, float scale) {
        OpChecks.checkAttention(query, key, value);
        requireF32("causalAttention", query, key, value);
        int heads = query.dim(0) * query.dim(1);
        float[] out = new float[value.numel()];
        float[] lse = new float[heads * query.dim(2)];
        CausalAttention.forward(kernels, heads, query.dim(2), query.dim(3), value.dim(3), CpuStorage.floats(query),
                CpuStorage.floats(key), CpuStorage.floats(value), scale, out, lse);
        return new AttentionResult(wrap(out, value.shape()), wrap(lse, Shape.of(query.dim(0), query.dim(1), query.dim(2))));
    }

    @Override
    public AttentionGradients causalAttentionBackward(Tensor query, Tensor key, Tensor value, float scale,
                                                     AttentionResult forward, Tensor gradOut) {
        OpChecks.checkAttentionBackward(query, key, value, forward, gradOut);
        requireF32("causalAttentionBackward", query, key, value);
        float[] gq = new float[query.numel()];
        float[] gk = new float[key.numel()];
        float[] gv = new float[value.numel()];
        CausalAttention.backward(kernels, query.dim(0) * query.dim(1), query.dim(2), query.dim(3), value.dim(3),
                CpuStorage.floats(query), CpuStorage.floats(key), CpuStorage.floats(value), scale,
                CpuStorage.floats(forward.out()), CpuStorage.floats(forward.logSumExp()), CpuStorage.floats(gradOut),
                gq, gk, gv);
        return new AttentionGradients(wrap(gq, query.shape()), wrap(gk, key.shape()), wrap(gv, value.shape()));
    }

    @Override
    public Tensor maxPool2d(Tensor x, Pool2dParams params) {
        return extremePool("maxPool2d", x, params, true);
    }

    @Override
    public Tensor minPool2d(Tensor x, Pool2dParams params) {
        return extremePool("minPool2d", x, params, false);
    }

    private Tensor extremePool(String op, Tensor x, Pool2dParams params, boolean max) {
        OpChecks.requireDType(op, x, DType.F32);
        Shape shape = OpChecks.pool2dShape(op, x.shape(), params);
        float[] out = new float[shape.numel()];
        ExtremePool.forward(x.dim(0) * x.dim(1), x.dim(2), x.dim(3), params, shape.dim(2), shape.dim(3), max,
                CpuStorage.floats(x), out);
        return wrap(out, shape);
    }

    @Override
    public Tensor maxPool2dBackward(Tensor x, Tensor gradOut, Pool2dParams params) {
        OpChecks.requireDType("maxPool2dBackward", x, DType.F32);
        OpChecks.checkPool2dBackward("maxPool2dBackward", gradOut, x.shape(), params);
        float[] gradX = new float[x.numel()];
        ExtremePool.maxBackward(x.dim(0) * x.dim(1), x.dim(2), x.dim(3), params, gradOut.dim(2), gradOut.dim(3),
                CpuStorage.floats(x), CpuStorage.floats(gradOut), gradX);
        return wrap(gradX, x.shape());
    }

    @Override
    public Tensor minAvgPool(Tensor x, int minKernel, int avgKernel) {
        OpChecks.checkMinAvgPool(x, minKernel, avgKernel);
        OpChecks.requireDType("minAvgPool", x, DType.F32);
        float[] out = new float[x.numel()];
        MinAvgPool.apply(x.dim(0) * x.dim(1), x.dim(2), x.dim(3), minKernel, avgKernel, CpuStorage.floats(x), out);
        return wrap(out, x.shape());
    }

    @Override
    public BatchStatistics batchNormStatistics(Tensor x) {
        OpChecks.checkBatchNormInput("batchNormStatistics", x);
        float[] mean = new float[x.dim(1)];
        float[] variance = new float[x.dim(1)];
        BatchNorm.statistics(CpuStorage.floats(x), x.dim(0), x.dim(1), x.dim(2) * x.dim(3), mean, variance);
        return new BatchStatistics(wrap(mean, Shape.of(mean.length)), wrap(variance, Shape.of(variance.length)));
    }

    @Override
    public Tensor batchNorm2d(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias, float eps) {
        OpChecks.checkBatchNorm("batchNorm2d", x, eps, mean, variance, weight, bias);
        float[] out = new float[x.numel()];
        BatchNorm.forward(CpuStorage.floats(x), x.dim(0), x.dim(1), x.dim(2) * x.dim(3), CpuStorage.floats(mean),
                CpuStorage.floats(variance), CpuStorage.floats(weight), CpuStorage.floats(bias), eps, out);
        return wrap(out, x.shape());
    }

    @Override
    public BatchNormGradients batchNorm2dBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor variance, Tensor weight,
                                                  float eps, boolean batchStatistics) {
        OpChecks.checkBatchNorm("batchNorm2dBackward", x, eps, mean, variance, weight);
        OpChecks.requireSameShape("batchNorm2dBackward", gradOut, x);
        OpChecks.requireDType("batchNorm2dBackward", gradOut, DType.F32);
        int channels = x.dim(1);
        float[] gradX = new float[x.numel()];
        float[] gradWeight = new float[channels];
        float[] gradBias = new float[channels];
        BatchNorm.backward(CpuStorage.floats(gradOut), CpuStorage.floats(x), x.dim(0), channels, x.dim(2) * x.dim(3),
                CpuStorage.floats(mean), CpuStorage.floats(variance), CpuStorage.floats(weight), eps, batchStatistics,
                gradX, gradWeight, gradBias);
        return new BatchNormGradients(wrap(gradX, x.shape()), wrap(gradWeight, Shape.of(channels)),
                wrap(gradBias, Shape.of(channels)));
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleShape("upsampleNearest2d", x, scaleH, scaleW);
        float[] out = new float[shape.numel()];
        Upsampling.forward(CpuStorage.floats(x), x.dim(0) * x.dim(1), x.dim(2), x.dim(3), scaleH, scaleW, out);
        return wrap(out, shape);
    }

    @Override
    public Tensor upsampleNearest2dBackward(Tensor gradOut, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleBackwardShape(gradOut, scaleH, scaleW);
        float[] out = new float[shape.numel()];
        Upsampling.backward(CpuStorage.floats(gradOut), shape.dim(0) * shape.dim(1), shape.dim(2), shape.dim(3),
                scaleH, scaleW, out);
        return wrap(out, shape);
    }

    private static Convolution.Geometry geometry(Shape x, Shape w, Shape out, Conv2dParams p) {
        return new Convolution.Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                out.dim(2), out.dim(3), p);
    }

    private static void requireF32(String op, Tensor a, Tensor b, Tensor c) {
        OpChecks.requireDType(op, a, DType.F32);
        OpChecks.requireDType(op, b, DType.F32);
        if (c != null) {
            OpChecks.requireDType(op, c, DType.F32);
        }
    }
}
