package dev.unmask.models.mesonet;

import dev.unmask.nn.ParameterInit;

import java.util.ArrayList;
import java.util.List;

/**
 * Meso-4 as the official classifiers.py builds it: four blocks of Conv2D('same', ReLU), BatchNormalization,
 * MaxPooling2D('same'), with 8 (3x3), 8 (5x5), 16 (5x5) and 16 (5x5) filters pooled by 2, 2, 2 and 4, then
 * {@link MesoNet}'s classifier. State-dict names {@code block<i>.conv.weight|bias} and {@code block<i>.bn.*}
 * for i = 1..4, then {@code fc1.*}, {@code fc2.*}.
 *
 * <p>The official Meso-4 files list 18 layers and, unlike the MesoInception-4 files, no LeakyReLU: Keras
 * lists every layer, weights or not, so the model that wrote them had none between {@code dense_3} and
 * {@code dropout_4}. A LeakyReLU has no weights, so nothing in the file depends on it and Keras'
 * {@code load_weights} pairs the files with today's classifiers.py, which has one; this class follows
 * classifiers.py, as the official repository runs these weights.
 */
public final class Meso4 extends MesoNet {
    /** Per block: input channels, filters, kernel size, pool size. */
    private static final int[][] BLOCKS = {{3, 8, 3, 2}, {8, 8, 5, 2}, {8, 16, 5, 2}, {16, 16, 5, 4}};

    /** A Meso-4 on {@code init}'s backend, initialised from its stream. */
    public Meso4(float dropout, ParameterInit init) {
        super(new MesoNetConfig(MesoNetArchitecture.MESO4, dropout), blocks(init), init);
    }

    private static List<FeatureBlock> blocks(ParameterInit init) {
        List<FeatureBlock> blocks = new ArrayList<>();
        for (int[] b : BLOCKS) {
            blocks.add(new FeatureBlock("conv", FeatureBlock.sameConv(b[0], b[1], b[2], 1, init), b[1], b[3], init));
        }
        return blocks;
    }

    /** Keras' order: each block's convolution then its batch normalisation, then the two dense layers. */
    static List<KerasLayerSpec> kerasLayout() {
        List<KerasLayerSpec> layout = new ArrayList<>();
        for (int i = 0; i < BLOCKS.length; i++) {
            int[] b = BLOCKS[i];
            layout.add(KerasLayerSpec.conv("block" + (i + 1) + ".conv", b[0], b[1], b[2]));
            layout.add(KerasLayerSpec.batchNorm("block" + (i + 1) + ".bn", b[1]));
        }
        layout.addAll(classifierLayout());
        return layout;
    }
}
