package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ResNet-18 feature extractor in torchvision's {@code resnet18} layout and parameter names, without its
 * classifier: {@code conv1}, {@code bn1}, (max pool), {@code layer1} .. {@code layer4} of two
 * {@link BasicBlock}s each (widths w, 2w, 4w, 8w; stride 2 at the first block of layers 2-4, whose shortcut
 * is {@code downsample.0} / {@code downsample.1}), then global average pooling: images [B, C, H, W] to
 * features [B, 8w]. With the {@link ResNetStem#IMAGENET} stem and w = 64 its state dict is torchvision's
 * resnet18 state dict minus {@code fc.weight} and {@code fc.bias}, so torchvision's weights load by name
 * ({@link #loadTorchvisionStateDict}).
 */
public final class ResNet18Encoder extends Module {
    private static final Pool2dParams MAX_POOL = Pool2dParams.of(3, 2, 1);
    private static final int[] SPATIAL_AXES = {2, 3};
    private static final String[] CLASSIFIER = {"fc.weight", "fc.bias"};

    private final ResNetStem stem;
    private final int baseWidth;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential[] layers = new Sequential[4];

    /** An encoder of {@code inChannels}-channel images with widths {@code baseWidth} .. 8 x {@code baseWidth}. */
    public ResNet18Encoder(int inChannels, int baseWidth, ResNetStem stem, ParameterInit init) {
        if (inChannels < 1 || baseWidth < 1 || stem == null) {
            throw new IllegalArgumentException("ResNet18Encoder: invalid channels " + inChannels + ", width " + baseWidth
                    + " or stem " + stem);
        }
        this.stem = stem;
        this.baseWidth = baseWidth;
        conv1 = registerModule("conv1", stem == ResNetStem.IMAGENET
                ? new Conv2d(inChannels, baseWidth, 7, 7, Conv2dParams.of(2, 3), false, init)
                : new Conv2d(inChannels, baseWidth, 3, 3, Conv2dParams.of(1, 1), false, init));
        bn1 = registerModule("bn1", new BatchNorm2d(baseWidth, init));
        int in = baseWidth;
        for (int i = 0; i < 4; i++) {
            int out = baseWidth << i;
            int stride = i == 0 ? 1 : 2;
            layers[i] = registerModule("layer" + (i + 1),
                    new Sequential(new BasicBlock(in, out, stride, init), new BasicBlock(out, out, 1, init)));
            in = out;
        }
    }

    public ResNetStem stem() {
        return stem;
    }

    /** Channels of the features: 8 x the base width. */
    public int features() {
        return 8 * baseWidth;
    }

    /** Images [B, C, H, W] to the last stage's feature map [B, 8w, H / d, W / d], d = {@link ResNetStem#downsampling()}. */
    public Variable featureMap(Variable images) {
        Variable x = bn1.forward(conv1.forward(images)).relu();
        if (stem == ResNetStem.IMAGENET) {
            x = x.maxPool2d(MAX_POOL);
        }
        for (Sequential layer : layers) {
            x = layer.forward(x);
        }
        return x;
    }

    /** Images [B, C, H, W] to globally average-pooled features [B, 8w]. */
    public Variable forward(Variable images) {
        return featureMap(images).mean(SPATIAL_AXES, false);
    }

    /**
     * Loads a torchvision resnet18 state dict, names unchanged; its classifier ({@code fc.weight},
     * {@code fc.bias}) is ignored if present. Otherwise as strict as {@link #loadStateDict}: every other entry
     * must be one of this encoder's, of its shape and dtype, and none may be missing.
     */
    public void loadTorchvisionStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> features = new LinkedHashMap<>(state);
        for (String name : CLASSIFIER) {
            features.remove(name);
        }
        loadStateDict(features);
    }
}
