package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;
import dev.unmask.ops.Conv2dParams;

/**
 * torchvision's ResNet BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3 x 3 convolutions
 * without bias, the first with the block's stride; the shortcut is {@code downsample} (1 x 1 convolution with
 * the stride, then batch norm, positions 0 and 1) where the stride or width changes, else the identity.
 */
final class BasicBlock extends Layer {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    BasicBlock(int in, int out, int stride, ParameterInit init) {
        conv1 = registerModule("conv1", new Conv2d(in, out, 3, 3, Conv2dParams.of(stride, 1), false, init));
        bn1 = registerModule("bn1", new BatchNorm2d(out, init));
        conv2 = registerModule("conv2", new Conv2d(out, out, 3, 3, Conv2dParams.of(1, 1), false, init));
        bn2 = registerModule("bn2", new BatchNorm2d(out, init));
        downsample = stride != 1 || in != out
                ? registerModule("downsample", new Sequential(
                        new Conv2d(in, out, 1, 1, Conv2dParams.of(stride, 0), false, init), new BatchNorm2d(out, init)))
                : null;
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x)).relu()));
        return out.add(downsample == null ? x : downsample.forward(x)).relu();
    }
}
