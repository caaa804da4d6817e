package dev.unmask.ops;

/**
 * Geometry of a 2-D convolution: stride, symmetric zero padding and dilation per spatial axis.
 * Asymmetric padding (causal convolutions, Keras 'same' with even kernels) is an explicit
 * {@link Op#pad} before the convolution. {@code outputPadH/W} only matter to transposed convolutions,
 * where they pick among the input sizes that a strided convolution maps to the same output size.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
                           int outputPadH, int outputPadW) {
    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0 || padW < 0
                || outputPadH < 0 || outputPadW < 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + this);
        }
    }

    public static Conv2dParams of(int stride, int pad) {
        return new Conv2dParams(stride, stride, pad, pad, 1, 1, 0, 0);
    }

    public static Conv2dParams of(int stride, int pad, int dilation) {
        return new Conv2dParams(stride, stride, pad, pad, dilation, dilation, 0, 0);
    }

    /** Output size along one axis of a convolution. */
    public static int convOutputSize(int in, int kernel, int stride, int pad, int dilation) {
        return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
    }

    /** Output size along one axis of a transposed convolution. */
    public static int transposedOutputSize(int in, int kernel, int stride, int pad, int dilation, int outputPad) {
        return (in - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPad + 1;
    }
}
