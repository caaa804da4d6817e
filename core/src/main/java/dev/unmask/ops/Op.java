package dev.unmask.ops;

import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.List;

/**
 * The backend contract: every op a backend implements. Autograd ({@code dev.unmask.autograd}) is
 * written above these, so a backend that implements this list gets gradients for free.
 *
 * <p>Conventions, for every method:
 * <ul>
 *   <li>Inputs are never modified; every result is a new tensor on the same backend as the inputs
 *       (except {@link #adamStep}, which is in place, as its name says).</li>
 *   <li>Tensors are contiguous and row-major. Image tensors are NCHW.</li>
 *   <li>All inputs of one call live on this backend; shapes and dtypes are checked by {@link OpChecks}
 *       and a mismatch is an {@link IllegalArgumentException} naming the op and the shapes.</li>
 *   <li>Float inputs are F32 unless stated; index inputs and results are I32.</li>
 * </ul>
 */
public interface Op {

    // ---------------------------------------------------------------- elementwise

    /** {@code y = f(x)} elementwise. LOG and SQRT of invalid inputs give NaN, as IEEE 754 does. */
    Tensor unary(UnaryOp op, Tensor x);

    /** ELU: {@code x > 0 ? x : alpha * (exp(x) - 1)}. */
    Tensor elu(Tensor x, float alpha);

    /** Leaky ReLU: {@code x > 0 ? x : slope * x}. */
    Tensor leakyRelu(Tensor x, float slope);

    /**
     * ReLU's backward pass in one step: {@code x > 0 ? grad : 0} for two tensors of one shape (PyTorch's
     * {@code threshold_backward}: NaN or non-positive x gives 0 whatever grad holds).
     */
    Tensor reluBackward(Tensor grad, Tensor x);

    /**
     * ELU's backward pass in one step, for {@code y = elu(x, alpha)}: {@code x > 0 ? grad : grad * (y + alpha)}
     * (float arithmetic; NaN x takes the second branch), three tensors of one shape.
     */
    Tensor eluBackward(Tensor grad, Tensor x, Tensor y, float alpha);

    /** {@code min(max(x, lo), hi)} elementwise; NaN stays NaN. */
    Tensor clamp(Tensor x, float lo, float hi);

    /** {@code y = a op b} with NumPy broadcasting; the result has the broadcast shape. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code a op b ? 1 : 0} with broadcasting, as an F32 mask. */
    Tensor compare(CompareOp op, Tensor a, Tensor b);

    /** {@code mask != 0 ? a : b} with broadcasting over all three. */
    Tensor where(Tensor mask, Tensor a, Tensor b);

    /** Converts F32 to I32 (truncation toward zero) or I32 to F32. */
    Tensor cast(Tensor x, DType dtype);

    // ---------------------------------------------------------------- reductions

    /**
     * Reduces {@code x} over {@code axes} (distinct, negative allowed; empty means all axes). With
     * {@code keepDims} the reduced axes stay with size 1. MAX and MIN propagate NaN.
     */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims);

    /** Index of the largest value along {@code axis}, ties to the lowest index; the axis is removed. I32. */
    Tensor argmax(Tensor x, int axis);

    /** Index of the smallest value along {@code axis}, ties to the lowest index; the axis is removed. I32. */
    Tensor argmin(Tensor x, int axis);

    // ---------------------------------------------------------------- movement (F32 and I32)

    /** Same values, another shape with the same element count. May share storage. */
    Tensor reshape(Tensor x, Shape shape);

    /** Reorders axes: result axis {@code i} is input axis {@code perm[i]}. */
    Tensor permute(Tensor x, int... perm);

    /** Elements {@code start <= i < end} along {@code axis}. */
    Tensor slice(Tensor x, int axis, int start, int end);

    /**
     * Pads every axis {@code i} with {@code before[i]} and {@code after[i]} elements of {@code value}.
     * Both arrays have the input's rank.
     */
    Tensor pad(Tensor x, int[] before, int[] after, float value);

    /** Joins tensors of equal shape except along {@code axis}. */
    Tensor concat(List<Tensor> xs, int axis);

    /** Broadcasts {@code x} to {@code shape} (NumPy rules) and materialises the result. */
    Tensor expand(Tensor x, Shape shape);

    /**
     * Embedding lookup: rows of {@code table} [R, ...] picked by {@code indices} (I32, any shape).
     * The result has shape {@code indices.shape ++ table.shape[1:]}. An index outside [0, R) is an error.
     */
    Tensor gather(Tensor table, Tensor indices);

    /**
     * The adjoint of {@link #gather}: a zero [rows, ...] tensor into which every slice of {@code src}
     * (shape {@code indices.shape ++ rest}) is added at the row its index names.
     */
    Tensor scatterAdd(Tensor indices, Tensor src, int rows);

    /** F32 one-hot encoding: shape {@code indices.shape ++ [depth]}. */
    Tensor oneHot(Tensor indices, int depth);

    // ---------------------------------------------------------------- processing

    /**
     * Batched matrix product. {@code a} is [..., M, K] (or [..., K, M] when {@code transposeA}), {@code b}
     * is [..., K, N] (or [..., N, K] when {@code transposeB}); leading batch dimensions broadcast. The
     * result is [..., M, N].
     */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

    /**
     * 2-D convolution (cross-correlation). {@code x} [N, C, H, W], {@code weight} [O, C, kh, kw],
     * {@code bias} [O] or null. Result [N, O, H', W'].
     */
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params);

    /** Gradient of {@link #conv2d} with respect to its input, of shape {@code inputShape}. */
    Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params);

    /** Gradient of {@link #conv2d} with respect to its weight, of shape {@code weightShape}. */
    Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, Shape weightShape, Conv2dParams params);

    /**
     * Transposed convolution (the input-gradient of a convolution). {@code x} [N, Cin, H, W],
     * {@code weight} [Cin, Cout, kh, kw] (PyTorch's layout), {@code bias} [Cout] or null.
     * Result [N, Cout, H', W'] with H' from {@link Conv2dParams#transposedOutputSize}.
     */
    Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params);

    /** Max pooling over NCHW; padded positions never win. */
    Tensor maxPool2d(Tensor x, Pool2dParams params);

    /** Gradient of {@link #maxPool2d}: each window's gradient goes to its first maximal element. */
    Tensor maxPool2dBackward(Tensor x, Tensor gradOut, Pool2dParams params);

    /** Min pooling over NCHW; padded positions never win. */
    Tensor minPool2d(Tensor x, Pool2dParams params);

    /** Average pooling over NCHW; see {@link Pool2dParams#countPadding()}. */
    Tensor avgPool2d(Tensor x, Pool2dParams params);

    /** Gradient of {@link #avgPool2d} with respect to an input of shape {@code inputShape}. */
    Tensor avgPool2dBackward(Tensor gradOut, Shape inputShape, Pool2dParams params);

    /**
     * Nearest-neighbour upsampling of NCHW by integer factors, {@code y[n, c, i, j] = x[n, c, i / scaleH, j / scaleW]}
     * (PyTorch's {@code interpolate(mode='nearest')} with an integer scale factor). Result
     * [N, C, H * scaleH, W * scaleW]; both factors at least 1.
     */
    Tensor upsampleNearest2d(Tensor x, int scaleH, int scaleW);

    /**
     * Gradient of {@link #upsampleNearest2d}: each input element receives the sum of its {@code scaleH x scaleW}
     * block of {@code gradOut} [N, C, H * scaleH, W * scaleW]. Result [N, C, H, W].
     */
    Tensor upsampleNearest2dBackward(Tensor gradOut, int scaleH, int scaleW);

    /** Softmax along {@code axis}, computed stably (max subtracted). */
    Tensor softmax(Tensor x, int axis);

    /** Log-softmax along {@code axis}, computed stably. */
    Tensor logSoftmax(Tensor x, int axis);

    /**
     * Per-row cross-entropy {@code -log softmax(logits)[target]}: {@code logits} [N, C], {@code targets}
     * I32 [N] in [0, C). Result F32 [N], unreduced.
     */
    Tensor crossEntropy(Tensor logits, Tensor targets);

    // ---------------------------------------------------------------- batch normalisation

    /**
     * Per-channel mean and biased variance of NCHW {@code x} over N, H and W (at least one element per
     * channel): the batch statistics of batch normalisation.
     */
    BatchStatistics batchNormStatistics(Tensor x);

    /**
     * Batch normalisation of NCHW {@code x} with the given per-channel statistics:
     * {@code y = (x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]}; mean, variance, weight and bias
     * are [C], eps positive.
     */
    Tensor batchNorm2d(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias, float eps);

    /**
     * Gradients of {@link #batchNorm2d} given the output gradient. With {@code batchStatistics} the mean and
     * variance are {@code x}'s own ({@link #batchNormStatistics}), and the input gradient includes their
     * dependence on x (training mode): with x^ = (x - mean) / sqrt(variance + eps) and sums over N, H, W of M
     * elements, {@code dx = weight / sqrt(variance + eps) * (g - sum(g) / M - x^ sum(g x^) / M)}; otherwise they
     * are constants and {@code dx = weight / sqrt(variance + eps) * g}. Always {@code dweight = sum(g x^)} and
     * {@code dbias = sum(g)}.
     */
    BatchNormGradients batchNorm2dBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor variance, Tensor weight,
                                           float eps, boolean batchStatistics);

    // ---------------------------------------------------------------- fused ops

    /**
     * Nearest codebook entry for each vector: {@code argmin_k ||z_n - e_k||^2}, computed as
     * {@code ||e_k||^2 - 2 z_n.e_k} (the {@code ||z||^2} term does not change the argmin) without an
     * N x K matrix; ties to the lowest index. {@code z} [N, D], {@code codebook} [K, D]; result I32 [N].
     */
    Tensor vqNearest(Tensor z, Tensor codebook);

    /**
     * Cluster sizes and per-code vector sums for an EMA codebook update. {@code z} [N, D],
     * {@code assignments} I32 [N] in [0, K).
     */
    VqStatistics vqEmaStatistics(Tensor z, Tensor assignments, int codes);

    /**
     * Multi-head causal attention, fused. {@code query}, {@code key} [B, H, L, Dk], {@code value}
     * [B, H, L, Dv]. Query row i attends to keys j &lt; i only, with probabilities
     * {@code softmax_j(scale * q_i . k_j)}; row 0 sees no key and its output is zero (PixelSNAIL's start
     * mask). Never forms an L x L matrix.
     */
    AttentionResult causalAttention(Tensor query, Tensor key, Tensor value, float scale);

    /** Gradients of {@link #causalAttention} given the forward result and the output gradient. */
    AttentionGradients causalAttentionBackward(Tensor query, Tensor key, Tensor value, float scale,
                                               AttentionResult forward, Tensor gradOut);

    /**
     * The score-map smoother of the restoration scorer, fused: a {@code minKernel} x {@code minKernel}
     * min pool (stride 1, padding minKernel/2, padded positions ignored) followed by an
     * {@code avgKernel} x {@code avgKernel} average pool (stride 1, padding avgKernel/2, zeros counted:
     * always divided by avgKernel^2). Both kernels odd. {@code x} [N, C, H, W]; same-shape result.
     */
    Tensor minAvgPool(Tensor x, int minKernel, int avgKernel);

    /**
     * One Adam step, in place: updates {@code param}, {@code firstMoment} and {@code secondMoment}
     * (all the same shape as {@code grad}).
     */
    void adamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams params);
}
