package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;

/**
 * 2-D convolution over NCHW: {@code weight} [out, in, kh, kw], optional {@code bias} [out], initialised
 * as PyTorch does (U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in * kh * kw).
 */
public final class Conv2d extends WeightedLayer {
    private final Parameter bias;
    private final Conv2dParams params;

    public Conv2d(int in, int out, int kernelH, int kernelW, Conv2dParams params, boolean bias, ParameterInit init) {
        super(init.fanInUniform(Shape.of(out, in, kernelH, kernelW), in * kernelH * kernelW));
        this.params = params;
        this.bias = bias ? registerParameter("bias", new Parameter(init.fanInUniform(Shape.of(out), in * kernelH * kernelW))) : null;
    }

    /** A square kernel with the given stride and padding, with bias. */
    public Conv2d(int in, int out, int kernel, int stride, int pad, ParameterInit init) {
        this(in, out, kernel, kernel, Conv2dParams.of(stride, pad), true, init);
    }

    public Parameter bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    @Override
    public Variable forward(Variable x) {
        return x.conv2d(weight(), bias, params);
    }
}
