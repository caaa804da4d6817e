package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;

/**
 * Nearest-neighbour upsampling by {@code scale} then a stride-1 "same" convolution with bias (child
 * {@code conv}): the decoder's counterpart of a strided convolution, without the checkerboard pattern of a
 * transposed one.
 */
final class ResizeConv2d extends Layer {
    private final Conv2d conv;
    private final int scale;

    ResizeConv2d(int in, int out, int kernel, int scale, ParameterInit init) {
        this.conv = registerModule("conv", new Conv2d(in, out, kernel, 1, kernel / 2, init));
        this.scale = scale;
    }

    @Override
    public Variable forward(Variable x) {
        return conv.forward(x.upsampleNearest2d(scale, scale));
    }
}
