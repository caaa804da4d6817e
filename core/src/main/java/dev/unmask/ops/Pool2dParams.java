package dev.unmask.ops;

/**
 * Geometry of 2-D pooling: window, stride and symmetric padding per spatial axis. Max and min pooling
 * ignore padded positions; average pooling divides by the full window when {@code countPadding} is
 * true (PyTorch's count_include_pad) and by the number of real elements otherwise.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean countPadding) {
    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0
                || padH > kernelH / 2 || padW > kernelW / 2) {
            throw new IllegalArgumentException("invalid pooling geometry " + this);
        }
    }

    public static Pool2dParams of(int kernel, int stride, int pad) {
        return new Pool2dParams(kernel, kernel, stride, stride, pad, pad, true);
    }

    public int outputH(int inH) {
        return (inH + 2 * padH - kernelH) / strideH + 1;
    }

    public int outputW(int inW) {
        return (inW + 2 * padW - kernelW) / strideW + 1;
    }
}
