package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.WeightNorm;
import dev.unmask.ops.Conv2dParams;

/**
 * rosinality's {@code WNConv2d}: a stride-1 convolution whose weight is weight-normalised per output
 * channel, {@code w = g v / ||v||}, held as child {@code conv} (parameters {@code conv.weight_g}
 * [out, 1, 1, 1], {@code conv.weight_v} [out, in, kh, kw], {@code conv.bias} [out] unless without bias).
 */
public final class WeightNormConv2d extends Layer {
    private final Conv2d conv;

    /** A {@code kernelH x kernelW} kernel with symmetric zero padding {@code padH}, {@code padW}. */
    public WeightNormConv2d(int in, int out, int kernelH, int kernelW, int padH, int padW, boolean bias,
                            ParameterInit init) {
        Conv2dParams params = new Conv2dParams(1, 1, padH, padW, 1, 1, 0, 0);
        this.conv = registerModule("conv", WeightNorm.apply(new Conv2d(in, out, kernelH, kernelW, params, bias, init)));
    }

    /** A square kernel with padding {@code kernel / 2} (same-size output for odd kernels), with bias. */
    public static WeightNormConv2d same(int in, int out, int kernel, ParameterInit init) {
        return new WeightNormConv2d(in, out, kernel, kernel, kernel / 2, kernel / 2, true, init);
    }

    /** The effective weight {@code g v / ||v||} [out, in, kh, kw], differentiable in g and v. */
    public Variable weight() {
        return conv.weight();
    }

    /** The bias [out], or null. */
    public Parameter bias() {
        return conv.bias();
    }

    /** The direction parameter {@code v}. */
    Parameter weightV() {
        return conv.namedParameters().get("weight_v");
    }

    @Override
    public Variable forward(Variable x) {
        return conv.forward(x);
    }
}
