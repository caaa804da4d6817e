package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of the autograd graph: a {@link Tensor} value, the {@link Function} that created it (none for
 * leaves), and for leaves that require a gradient the accumulated gradient.
 *
 * <p>Gradients accumulate: every {@link #backward} adds into {@link #grad()} of the leaves it reaches,
 * across uses of a variable and across calls, until {@link #zeroGrad()}. The graph is kept after a
 * backward pass, so backward may run more than once. Gradients reach leaves only; intermediate variables
 * keep none.
 */
public class Variable {
    private final Tensor value;
    private final Function creator;
    private boolean requiresGrad;
    private Tensor grad;

    /** A leaf; {@code requiresGrad} says whether backward passes accumulate a gradient into it. */
    protected Variable(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.creator = null;
        setRequiresGrad(requiresGrad);
    }

    /** The result of {@code creator}; it requires a gradient because some input does. */
    Variable(Tensor value, Function creator) {
        this.value = value;
        this.creator = creator;
        this.requiresGrad = true;
    }

    /** A leaf that does not require a gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false);
    }

    /** A leaf whose gradient backward passes accumulate (F32 only). */
    public static Variable leaf(Tensor value) {
        return new Variable(value, true);
    }

    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    public int dim(int axis) {
        return value.dim(axis);
    }

    public int rank() {
        return value.rank();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Freezes or unfreezes a leaf (results of operations cannot change this). */
    public final void setRequiresGrad(boolean requiresGrad) {
        if (creator != null) {
            throw new IllegalStateException("requiresGrad can only be changed on leaves; use detach()");
        }
        if (requiresGrad && value.dtype() != DType.F32) {
            throw new IllegalArgumentException("only F32 values can require a gradient, got " + value);
        }
        this.requiresGrad = requiresGrad;
    }

    /** Whether this variable was created by an operation rather than given. */
    public boolean isLeaf() {
        return creator == null;
    }

    /**
     * The accumulated gradient of a leaf (same shape as the value), or null before any backward pass
     * reached it. The tensor belongs to this variable: optimizers and clipping may modify it in place.
     */
    public Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** The same value, cut from the graph: no gradient flows through the result. */
    public Variable detach() {
        return constant(value);
    }

    /** Backward pass from a scalar: the seed gradient is 1. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element variable, shape is "
                    + shape() + "; pass the gradient explicitly");
        }
        backward(Backend.of(value).full(value.shape(), DType.F32, 1f));
    }

    /**
     * Backward pass seeded with {@code gradient} (same shape as the value): visits the graph once in
     * reverse topological order and adds each leaf's gradient into {@link #grad()}. Iterative, so deep
     * graphs do not overflow the stack.
     */
    public void backward(Tensor gradient) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward on a variable that does not require a gradient (a constant, "
                    + "a detached value, or one computed under NoGrad)");
        }
        if (!gradient.shape().equals(shape()) || gradient.dtype() != DType.F32) {
            throw new IllegalArgumentException("backward: gradient " + gradient + " does not match value " + value);
        }
        List<Variable> order = topologicalOrder();
        Map<Variable, Tensor> pending = new IdentityHashMap<>();
        pending.put(this, gradient);
        for (Variable v : order) {
            Tensor g = pending.remove(v);
            if (g == null) {
                continue;
            }
            if (v.creator == null) {
                v.accumulate(g);
                continue;
            }
            Variable[] inputs = v.creator.inputs();
            Tensor[] grads = v.creator.backward(g);
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad && grads[i] != null) {
                    pending.merge(inputs[i], grads[i], (x, y) -> Backend.of(x).binary(BinaryOp.ADD, x, y));
                }
            }
        }
    }

    /** Outputs before inputs, every variable that requires a gradient once. */
    private List<Variable> topologicalOrder() {
        List<Variable> postOrder = new ArrayList<>();
        Set<Variable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Integer> nextInput = new ArrayDeque<>();
        stack.push(this);
        nextInput.push(0);
        visited.add(this);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int next = nextInput.pop();
            Variable[] inputs = v.creator == null ? new Variable[0] : v.creator.inputs();
            if (next < inputs.length) {
                nextInput.push(next + 1);
                Variable child = inputs[next];
                if (child.requiresGrad && visited.add(child)) {
                    stack.push(child);
                    nextInput.push(0);
                }
            } else {
                stack.pop();
                postOrder.add(v);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private void accumulate(Tensor g) {
        if (grad == null) {
            // a private copy: the same tensor may be handed to several inputs, and owners modify grads in place
            Backend backend = Backend.of(g);
            grad = backend.full(g.shape(), DType.F32, 0f);
            backend.copyInto(grad, g);
        } else {
            grad = Backend.of(g).binary(BinaryOp.ADD, grad, g);
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code this + other}, broadcasting. */
    public Variable add(Variable other) {
        return ElementwiseFunctions.binary(BinaryOp.ADD, this, other);
    }

    public Variable add(float c) {
        return add(scalarLike(c));
    }

    /** {@code this - other}, broadcasting. */
    public Variable sub(Variable other) {
        return ElementwiseFunctions.binary(BinaryOp.SUB, this, other);
    }

    public Variable sub(float c) {
        return sub(scalarLike(c));
    }

    /** {@code this * other}, broadcasting. */
    public Variable mul(Variable other) {
        return ElementwiseFunctions.binary(BinaryOp.MUL, this, other);
    }

    public Variable mul(float c) {
        return mul(scalarLike(c));
    }

    /** {@code this / other}, broadcasting. */
    public Variable div(Variable other) {
        return ElementwiseFunctions.binary(BinaryOp.DIV, this, other);
    }

    public Variable div(float c) {
        return div(scalarLike(c));
    }

    public Variable square() {
        return mul(this);
    }

    public Variable neg() {
        return ElementwiseFunctions.unary(UnaryOp.NEG, this);
    }

    public Variable exp() {
        return ElementwiseFunctions.unary(UnaryOp.EXP, this);
    }

    public Variable log() {
        return ElementwiseFunctions.unary(UnaryOp.LOG, this);
    }

    public Variable sqrt() {
        return ElementwiseFunctions.unary(UnaryOp.SQRT, this);
    }

    /** |x|; the gradient at 0 is 0. */
    public Variable abs() {
        return ElementwiseFunctions.unary(UnaryOp.ABS, this);
    }

    public Variable relu() {
        return ElementwiseFunctions.unary(UnaryOp.RELU, this);
    }

    /** {@code x > 0 ? x : alpha (e^x - 1)}. */
    public Variable elu(float alpha) {
        return ElementwiseFunctions.elu(this, alpha);
    }

    /** {@code x > 0 ? x : slope x}. */
    public Variable leakyRelu(float slope) {
        return ElementwiseFunctions.leakyRelu(this, slope);
    }

    public Variable sigmoid() {
        return ElementwiseFunctions.unary(UnaryOp.SIGMOID, this);
    }

    public Variable tanh() {
        return ElementwiseFunctions.unary(UnaryOp.TANH, this);
    }

    /** {@code min(max(x, lo), hi)}; the gradient passes where {@code lo <= x <= hi}. */
    public Variable clamp(float lo, float hi) {
        return ElementwiseFunctions.clamp(this, lo, hi);
    }

    /** {@code mask != 0 ? a : b} with broadcasting; the mask is a constant F32 tensor. */
    public static Variable where(Tensor mask, Variable a, Variable b) {
        return ElementwiseFunctions.where(mask, a, b);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum over {@code axes} (none: all), dropping them. */
    public Variable sum(int... axes) {
        return sum(axes, false);
    }

    public Variable sum(int[] axes, boolean keepDims) {
        return ReduceFunctions.reduce(ReduceOp.SUM, this, axes, keepDims);
    }

    /** Mean over {@code axes} (none: all), dropping them. */
    public Variable mean(int... axes) {
        return mean(axes, false);
    }

    public Variable mean(int[] axes, boolean keepDims) {
        return ReduceFunctions.reduce(ReduceOp.MEAN, this, axes, keepDims);
    }

    /** Maximum over {@code axes} (none: all), dropping them; tied maxima share the gradient equally. */
    public Variable max(int... axes) {
        return max(axes, false);
    }

    public Variable max(int[] axes, boolean keepDims) {
        return ReduceFunctions.reduce(ReduceOp.MAX, this, axes, keepDims);
    }

    // ---------------------------------------------------------------- movement

    public Variable reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    public Variable reshape(Shape shape) {
        return MovementFunctions.reshape(this, shape);
    }

    /** Result axis {@code i} is input axis {@code perm[i]}. */
    public Variable permute(int... perm) {
        return MovementFunctions.permute(this, perm);
    }

    /** Elements {@code start <= i < end} along {@code axis}. */
    public Variable slice(int axis, int start, int end) {
        return MovementFunctions.slice(this, axis, start, end);
    }

    /** Pads every axis {@code i} with {@code before[i]} and {@code after[i]} elements of {@code value}. */
    public Variable pad(int[] before, int[] after, float value) {
        return MovementFunctions.pad(this, before, after, value);
    }

    /** Joins variables of equal shape except along {@code axis}. */
    public static Variable concat(List<Variable> xs, int axis) {
        return MovementFunctions.concat(xs, axis);
    }

    /** Broadcasts to {@code shape} (NumPy rules); the gradient is summed back. */
    public Variable expand(Shape shape) {
        return MovementFunctions.expand(this, shape);
    }

    /** Embedding lookup into this table [R, ...] by I32 {@code indices}: shape {@code indices.shape ++ [...]}. */
    public Variable gather(Tensor indices) {
        return MovementFunctions.gather(this, indices);
    }

    // ---------------------------------------------------------------- processing

    /** Batched matrix product [..., M, K] x [..., K, N] with broadcast batch dimensions. */
    public Variable matmul(Variable other) {
        return matmul(other, false, false);
    }

    /** Batched matrix product with either operand transposed in its last two axes. */
    public Variable matmul(Variable other, boolean transposeThis, boolean transposeOther) {
        return ProcessingFunctions.matmul(this, other, transposeThis, transposeOther);
    }

    /** Convolution of this NCHW input with {@code weight} [O, C, kh, kw] and {@code bias} [O] or null. */
    public Variable conv2d(Variable weight, Variable bias, Conv2dParams params) {
        return ProcessingFunctions.conv2d(this, weight, bias, params);
    }

    /** Transposed convolution with {@code weight} [Cin, Cout, kh, kw] and {@code bias} [Cout] or null. */
    public Variable convTranspose2d(Variable weight, Variable bias, Conv2dParams params) {
        return ProcessingFunctions.convTranspose2d(this, weight, bias, params);
    }

    public Variable maxPool2d(Pool2dParams params) {
        return ProcessingFunctions.maxPool2d(this, params);
    }

    public Variable avgPool2d(Pool2dParams params) {
        return ProcessingFunctions.avgPool2d(this, params);
    }

    /**
     * Batch normalisation of this NCHW variable, {@code (x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]},
     * with weight and bias [C] in the graph. With {@code batchStatistics}, mean and variance (F32 [C]) must be this
     * batch's own ({@link dev.unmask.ops.Op#batchNormStatistics}), and the gradient includes their dependence on
     * x (training mode); otherwise they are constants, such as running statistics (evaluation mode).
     */
    public Variable batchNorm2d(Variable weight, Variable bias, Tensor mean, Tensor variance, float eps, boolean batchStatistics) {
        return ProcessingFunctions.batchNorm2d(this, weight, bias, mean, variance, eps, batchStatistics);
    }

    /** Nearest-neighbour upsampling of this NCHW variable by integer factors: [N, C, H * scaleH, W * scaleW]. */
    public Variable upsampleNearest2d(int scaleH, int scaleW) {
        return ProcessingFunctions.upsampleNearest2d(this, scaleH, scaleW);
    }

    public Variable softmax(int axis) {
        return ProcessingFunctions.softmax(this, axis, false);
    }

    public Variable logSoftmax(int axis) {
        return ProcessingFunctions.softmax(this, axis, true);
    }

    /** Mean over rows of {@code -log softmax(this)[target]}: this is [N, C] logits, targets I32 [N]. */
    public Variable crossEntropy(Tensor targets) {
        return crossEntropyPerRow(targets).mean();
    }

    /** Per-row cross-entropy, unreduced: [N]. */
    public Variable crossEntropyPerRow(Tensor targets) {
        return ProcessingFunctions.crossEntropy(this, targets);
    }

    // ---------------------------------------------------------------- fused

    /**
     * Fused multi-head causal attention: query and key [B, H, L, Dk], value [B, H, L, Dv]; row i attends
     * to keys j &lt; i with {@code softmax(scale q.k)}; row 0 is zero. Result [B, H, L, Dv].
     */
    public static Variable causalAttention(Variable query, Variable key, Variable value, float scale) {
        return FusedFunctions.causalAttention(query, key, value, scale);
    }

    /**
     * The straight-through estimator of vector quantisation, {@code x + (quantized - x).detach()}: the
     * value of {@code quantized}, the gradient of the identity with respect to this encoder output.
     */
    public Variable straightThrough(Variable quantized) {
        return add(quantized.sub(this).detach());
    }

    private Variable scalarLike(float c) {
        return constant(Backend.of(value).full(Shape.scalar(), DType.F32, c));
    }

    @Override
    public String toString() {
        return "Variable(" + value + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
