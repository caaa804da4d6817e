package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;
import dev.unmask.ops.Conv2dParams;

/**
 * The mirror of a {@link BasicBlock}: relu(bn1(conv1(relu(bn2(conv2(x))))) + shortcut(x)). {@code conv2} keeps
 * the width; at stride 1 {@code conv1} is a 3 x 3 convolution without bias and the shortcut the identity; at
 * stride 2 {@code conv1} is a {@link ResizeConv2d} (x2) to half the width and the shortcut is
 * {@code shortcut.0} (another ResizeConv2d) and {@code shortcut.1} (batch norm).
 */
final class DecoderBlock extends Layer {
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Layer conv1;
    private final BatchNorm2d bn1;
    private final Sequential shortcut;

    DecoderBlock(int in, int stride, ParameterInit init) {
        int out = in / stride;
        conv2 = registerModule("conv2", new Conv2d(in, in, 3, 3, Conv2dParams.of(1, 1), false, init));
        bn2 = registerModule("bn2", new BatchNorm2d(in, init));
        if (stride == 1) {
            conv1 = registerModule("conv1", new Conv2d(in, out, 3, 3, Conv2dParams.of(1, 1), false, init));
            bn1 = registerModule("bn1", new BatchNorm2d(out, init));
            shortcut = null;
        } else {
            conv1 = registerModule("conv1", new ResizeConv2d(in, out, 3, stride, init));
            bn1 = registerModule("bn1", new BatchNorm2d(out, init));
            shortcut = registerModule("shortcut", new Sequential(new ResizeConv2d(in, out, 3, stride, init), new BatchNorm2d(out, init)));
        }
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = bn1.forward(conv1.forward(bn2.forward(conv2.forward(x)).relu()));
        return out.add(shortcut == null ? x : shortcut.forward(x)).relu();
    }
}
