package dev.unmask.models.mesonet;

import dev.unmask.nn.ParameterInit;

import java.util.ArrayList;
import java.util.List;

/**
 * MesoInception-4 as the official classifiers.py builds it: two inception blocks, InceptionLayer(1, 4, 4, 2)
 * on the image (11 channels) and InceptionLayer(2, 4, 4, 2) (12 channels), each followed by ReLU,
 * BatchNormalization and MaxPooling2D(2, 'same'); then two blocks of Conv2D(16, 5x5, 'same', ReLU),
 * BatchNormalization, MaxPooling2D pooled by 2 and 4; then {@link MesoNet}'s classifier.
 *
 * <p>State-dict names: {@code block<i>.inception.branch1.weight|bias} (1x1), {@code
 * block<i>.inception.branch<k>.reduce.weight|bias} (1x1) and {@code block<i>.inception.branch<k>.conv.weight|bias}
 * (3x3, dilation k - 1) for k = 2..4 and i = 1, 2; {@code block<i>.bn.*} for i = 1..4; {@code block3.conv.*},
 * {@code block4.conv.*}; {@code fc1.*}, {@code fc2.*}.
 */
public final class MesoInception4 extends MesoNet {
    /** Per inception block: input channels, then InceptionLayer's a, b, c, d. */
    private static final int[][] INCEPTIONS = {{3, 1, 4, 4, 2}, {11, 2, 4, 4, 2}};
    /** Per convolution block: input channels, filters, kernel size, pool size. */
    private static final int[][] CONVOLUTIONS = {{12, 16, 5, 2}, {16, 16, 5, 4}};
    private static final int INCEPTION_POOL = 2;

    /** A MesoInception-4 on {@code init}'s backend, initialised from its stream. */
    public MesoInception4(float dropout, ParameterInit init) {
        super(new MesoNetConfig(MesoNetArchitecture.MESO_INCEPTION4, dropout), blocks(init), init);
    }

    private static List<FeatureBlock> blocks(ParameterInit init) {
        List<FeatureBlock> blocks = new ArrayList<>();
        for (int[] n : INCEPTIONS) {
            InceptionLayer inception = new InceptionLayer(n[0], n[1], n[2], n[3], n[4], init);
            blocks.add(new FeatureBlock("inception", inception, n[1] + n[2] + n[3] + n[4], INCEPTION_POOL, init));
        }
        for (int[] c : CONVOLUTIONS) {
            blocks.add(new FeatureBlock("conv", FeatureBlock.sameConv(c[0], c[1], c[2], 1, init), c[1], c[3], init));
        }
        return blocks;
    }

    /**
     * Keras' order, which is not the order of creation: Keras lists a model's layers by their depth from the
     * output, deepest first, so an inception layer's three 1x1 reductions (branches 2, 3, 4) come before
     * branch 1's 1x1 convolution, and then the three 3x3 convolutions; each inception is followed by its
     * batch normalisation, and the rest is in order as in Meso-4. The official files list
     * {@code conv2d_2, 4, 6, 1, 3, 5, 7} for the first inception accordingly.
     */
    static List<KerasLayerSpec> kerasLayout() {
        List<KerasLayerSpec> layout = new ArrayList<>();
        for (int i = 0; i < INCEPTIONS.length; i++) {
            int[] n = INCEPTIONS[i];
            int in = n[0];
            String prefix = "block" + (i + 1) + ".inception.";
            for (int k = 2; k <= 4; k++) {
                layout.add(KerasLayerSpec.conv(prefix + "branch" + k + ".reduce", in, n[k], 1));
            }
            layout.add(KerasLayerSpec.conv(prefix + "branch1", in, n[1], 1));
            for (int k = 2; k <= 4; k++) {
                layout.add(KerasLayerSpec.conv(prefix + "branch" + k + ".conv", n[k], n[k], 3));
            }
            layout.add(KerasLayerSpec.batchNorm("block" + (i + 1) + ".bn", n[1] + n[2] + n[3] + n[4]));
        }
        for (int i = 0; i < CONVOLUTIONS.length; i++) {
            int[] c = CONVOLUTIONS[i];
            String block = "block" + (i + 1 + INCEPTIONS.length);
            layout.add(KerasLayerSpec.conv(block + ".conv", c[0], c[1], c[2]));
            layout.add(KerasLayerSpec.batchNorm(block + ".bn", c[1]));
        }
        layout.addAll(classifierLayout());
        return layout;
    }
}
