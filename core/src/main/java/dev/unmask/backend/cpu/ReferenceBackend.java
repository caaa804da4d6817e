package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.*;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The reference CPU backend: every op as plain, obvious loops. It is the oracle that every faster
 * implementation (threaded, blocked, SIMD, CUDA) is tested against, so clarity wins over speed here.
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

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        throw new UnsupportedOperationException("unary: not implemented yet");
    }

    @Override
    public Tensor elu(Tensor x, float alpha) {
        throw new UnsupportedOperationException("elu: not implemented yet");
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        throw new UnsupportedOperationException("leakyRelu: not implemented yet");
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        throw new UnsupportedOperationException("clamp: not implemented yet");
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        throw new UnsupportedOperationException("binary: not implemented yet");
    }

    @Override
    public Tensor compare(CompareOp op, Tensor a, Tensor b) {
        throw new UnsupportedOperationException("compare: not implemented yet");
    }

    @Override
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        throw new UnsupportedOperationException("where: not implemented yet");
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        throw new UnsupportedOperationException("cast: not implemented yet");
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        throw new UnsupportedOperationException("reduce: not implemented yet");
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("argmax: not implemented yet");
    }

    @Override
    public Tensor argmin(Tensor x, int axis) {
        throw new UnsupportedOperationException("argmin: not implemented yet");
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        throw new UnsupportedOperationException("reshape: not implemented yet");
    }

    @Override
    public Tensor permute(Tensor x, int... perm) {
        throw new UnsupportedOperationException("permute: not implemented yet");
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        throw new UnsupportedOperationException("slice: not implemented yet");
    }

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after, float value) {
        throw new UnsupportedOperationException("pad: not implemented yet");
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        throw new UnsupportedOperationException("concat: not implemented yet");
    }

    @Override
    public Tensor expand(Tensor x, Shape shape) {
        throw new UnsupportedOperationException("expand: not implemented yet");
    }

    @Override
    public Tensor gather(Tensor table, Tensor indices) {
        throw new UnsupportedOperationException("gather: not implemented yet");
    }

    @Override
    public Tensor scatterAdd(Tensor indices, Tensor src, int rows) {
        throw new UnsupportedOperationException("scatterAdd: not implemented yet");
    }

    @Override
    public Tensor oneHot(Tensor indices, int depth) {
        throw new UnsupportedOperationException("oneHot: not implemented yet");
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        throw new UnsupportedOperationException("matmul: not implemented yet");
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        throw new UnsupportedOperationException("conv2d: not implemented yet");
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params) {
        throw new UnsupportedOperationException("conv2dBackwardInput: not implemented yet");
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, Shape weightShape, Conv2dParams params) {
        throw new UnsupportedOperationException("conv2dBackwardWeight: not implemented yet");
    }

    @Override
    public Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        throw new UnsupportedOperationException("convTranspose2d: not implemented yet");
    }

    @Override
    public Tensor maxPool2d(Tensor x, Pool2dParams params) {
        throw new UnsupportedOperationException("maxPool2d: not implemented yet");
    }

    @Override
    public Tensor maxPool2dBackward(Tensor x, Tensor gradOut, Pool2dParams params) {
        throw new UnsupportedOperationException("maxPool2dBackward: not implemented yet");
    }

    @Override
    public Tensor minPool2d(Tensor x, Pool2dParams params) {
        throw new UnsupportedOperationException("minPool2d: not implemented yet");
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dParams params) {
        throw new UnsupportedOperationException("avgPool2d: not implemented yet");
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, Shape inputShape, Pool2dParams params) {
        throw new UnsupportedOperationException("avgPool2dBackward: not implemented yet");
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("softmax: not implemented yet");
    }

    @Override
    public Tensor logSoftmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("logSoftmax: not implemented yet");
    }

    @Override
    public Tensor crossEntropy(Tensor logits, Tensor targets) {
        throw new UnsupportedOperationException("crossEntropy: not implemented yet");
    }

    @Override
    public Tensor vqNearest(Tensor z, Tensor codebook) {
        throw new UnsupportedOperationException("vqNearest: not implemented yet");
    }

    @Override
    public VqStatistics vqEmaStatistics(Tensor z, Tensor assignments, int codes) {
        throw new UnsupportedOperationException("vqEmaStatistics: not implemented yet");
    }

    @Override
    public AttentionResult causalAttention(Tensor query, Tensor key, Tensor value, float scale) {
        throw new UnsupportedOperationException("causalAttention: not implemented yet");
    }

    @Override
    public AttentionGradients causalAttentionBackward(Tensor query, Tensor key, Tensor value, float scale, AttentionResult forward, Tensor gradOut) {
        throw new UnsupportedOperationException("causalAttentionBackward: not implemented yet");
    }

    @Override
    public Tensor minAvgPool(Tensor x, int minKernel, int avgKernel) {
        throw new UnsupportedOperationException("minAvgPool: not implemented yet");
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams params) {
        throw new UnsupportedOperationException("adamStep: not implemented yet");
    }
}
