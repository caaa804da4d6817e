package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;

/**
 * 2-D transposed convolution over NCHW: {@code weight} [in, out, kh, kw] (PyTorch's layout), optional
 * {@code bias} [out]. PyTorch computes the initialisation's fan-in from the weight's second axis, so
 * fanIn = out * kh * kw here.
 */
public final class ConvTranspose2d extends WeightedLayer {
    private final Parameter bias;
    private final Conv2dParams params;

    public ConvTranspose2d(int in, int out, int kernelH, int kernelW, Conv2dParams params, boolean bias,
                           ParameterInit init) {
        super(init.fanInUniform(Shape.of(in, out, kernelH, kernelW), out * kernelH * kernelW));
        this.params = params;
        this.bias = bias ? registerParameter("bias", new Parameter(init.fanInUniform(Shape.of(out), out * kernelH * kernelW))) : null;
    }

    /** A square kernel with the given stride and padding, no output padding, with bias. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int pad, ParameterInit init) {
        this(in, out, kernel, kernel, Conv2dParams.of(stride, pad), true, init);
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        return x.convTranspose2d(weight(), bias, params);
    }
}
