package dev.unmask.models.mesonet;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Pool2dParams;

/**
 * One stage of MesoNet's feature extractor as classifiers.py writes it: the features (a convolution or an
 * inception layer, before their ReLU), ReLU, BatchNormalization (epsilon 1e-3), MaxPooling2D(pool, 'same').
 * Children: the features under the name given, and {@code bn}.
 *
 * <p>Keras' 'same' pooling pads only when the window does not tile the input; at the sizes MesoNet sees
 * (256, 128, 64 and 32, pooled by 2, 2, 2 and 4) it always tiles, so the pooling is unpadded.
 */
final class FeatureBlock extends Layer {
    private final Layer features;
    private final BatchNorm2d bn;
    private final Pool2dParams pool;

    FeatureBlock(String featuresName, Layer features, int channels, int pool, ParameterInit init) {
        this.features = registerModule(featuresName, features);
        this.bn = registerModule("bn", new BatchNorm2d(channels, MesoNet.BATCH_NORM_EPSILON, MesoNet.BATCH_NORM_MOMENTUM,
                init));
        this.pool = Pool2dParams.of(pool, pool, 0);
    }

    /** Keras' Conv2D(out, kernel, padding='same', dilation_rate=dilation) at stride 1, before its ReLU. */
    static Conv2d sameConv(int in, int out, int kernel, int dilation, ParameterInit init) {
        int pad = dilation * (kernel - 1) / 2;
        return new Conv2d(in, out, kernel, kernel, Conv2dParams.of(1, pad, dilation), true, init);
    }

    @Override
    public Variable forward(Variable x) {
        return bn.forward(features.forward(x).relu()).maxPool2d(pool);
    }
}
