package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PixelScoreMapTest {
    /** The map is built from float sums and means of a few terms of size ~1: well within 1e-5. */
    private static final float FLOAT_SUMS = 1e-5f;
    private static final Backend BACKEND = Backends.defaultBackend();
    private static final RestorationSettings NO_POOLING = RestorationSettings.DEFAULTS.withPoolKernels(1, 1);

    @Test
    void twoCopiesWithKnownResiduals() {
        float[] y = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f};
        float[] r2 = {1, 2, 3, 2};
        float[] x = new float[16];
        for (int i = 0; i < 4; i++) {
            // copy 1: channel offsets +0.5 and -1.5, so r_1 = 1 everywhere; copy 2: +r and -r, so r_2 = r
            x[i] = y[i] + 0.5f;
            x[4 + i] = y[4 + i] - 1.5f;
            x[8 + i] = y[i] + r2[i];
            x[12 + i] = y[4 + i] - r2[i];
        }
        Tensor map = PixelScoreMap.of(BACKEND.fromFloats(y, Shape.of(1, 2, 2, 2)), BACKEND.fromFloats(x, Shape.of(2, 2, 2, 2)),
                2, NO_POOLING);
        assertEquals(Shape.of(1, 1, 2, 2), map.shape());
        // mean(r_1) = 1 and mean(r_2) = 2: w = softmax(3 / 1, 3 / 2), so w_1 = 1 / (1 + e^-1.5)
        double w1 = 1 / (1 + Math.exp(-1.5));
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = (float) (w1 * 1 + (1 - w1) * r2[i]);
        }
        assertArrayEquals(expected, map.toFloatArray(), FLOAT_SUMS);
    }

    @Test
    void copiesWithoutResidualTakeAllTheWeight() {
        float[] weights = new float[3];
        PixelScoreMap.copyWeights(new float[] {0, 1, 0}, 0, 3, 3, weights);
        assertArrayEquals(new float[] {0.5f, 0, 0.5f}, weights);
        float[] y = {1, 2, 3, 4};
        float[] x = {1, 2, 3, 4, 0, 0, 0, 0};
        Tensor map = PixelScoreMap.of(BACKEND.fromFloats(y, Shape.of(1, 1, 2, 2)), BACKEND.fromFloats(x, Shape.of(2, 1, 2, 2)),
                2, NO_POOLING);
        assertArrayEquals(new float[4], map.toFloatArray());
    }

    @Test
    void weightedMapAndSmoothingMatchThePlainFormulaAndTheReferenceOps() {
        int images = 2;
        int copies = 3;
        int channels = 3;
        int height = 9;
        int width = 11;
        int plane = height * width;
        Random random = new Random(21);
        float[] y = new float[images * channels * plane];
        float[] x = new float[images * copies * channels * plane];
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        float[] weighted = new float[images * plane];
        for (int b = 0; b < images; b++) {
            double[][] residual = new double[copies][plane];
            double[] logits = new double[copies];
            for (int j = 0; j < copies; j++) {
                for (int i = 0; i < plane; i++) {
                    for (int c = 0; c < channels; c++) {
                        residual[j][i] += Math.abs(y[(b * channels + c) * plane + i] - x[((b * copies + j) * channels + c) * plane + i]) / channels;
                    }
                    logits[j] += residual[j][i] / plane;
                }
                logits[j] = 3 / logits[j];
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l);
            }
            for (int i = 0; i < plane; i++) {
                double value = 0;
                for (int j = 0; j < copies; j++) {
                    value += Math.exp(logits[j]) / sum * residual[j][i];
                }
                weighted[b * plane + i] = (float) value;
            }
        }
        ReferenceBackend reference = new ReferenceBackend();
        Tensor min = reference.minPool2d(reference.fromFloats(weighted, Shape.of(images, 1, height, width)),
                new Pool2dParams(3, 3, 1, 1, 1, 1, false));
        float[] expected = reference.avgPool2d(min, new Pool2dParams(7, 7, 1, 1, 3, 3, true)).toFloatArray();

        Tensor map = PixelScoreMap.of(BACKEND.fromFloats(y, Shape.of(images, channels, height, width)),
                BACKEND.fromFloats(x, Shape.of(images * copies, channels, height, width)), copies, RestorationSettings.DEFAULTS);
        assertEquals(Shape.of(images, 1, height, width), map.shape());
        assertArrayEquals(expected, map.toFloatArray(), FLOAT_SUMS);

        Tensor unpooled = PixelScoreMap.of(BACKEND.fromFloats(y, Shape.of(images, channels, height, width)),
                BACKEND.fromFloats(x, Shape.of(images * copies, channels, height, width)), copies, NO_POOLING);
        assertArrayEquals(weighted, unpooled.toFloatArray(), FLOAT_SUMS);
        // a corner of the smoothed map by hand: the 7x7 window holds a 4x4 block of the min-pooled map, / 49
        float[] minValues = min.toFloatArray();
        double corner = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                corner += minValues[i * width + j];
            }
        }
        assertEquals(corner / 49, map.toFloatArray()[0], FLOAT_SUMS);
    }

    @Test
    void mismatchedShapesAreNamed() {
        Tensor y = BACKEND.fromFloats(new float[8], Shape.of(1, 2, 2, 2));
        Tensor x = BACKEND.fromFloats(new float[8], Shape.of(1, 2, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PixelScoreMap.of(y, x, 2, NO_POOLING));
        assertEquals("restored images must be F32 [2, 2, 2, 2] for 2 copies of images [1, 2, 2, 2], got F32 [1, 2, 2, 2]",
                e.getMessage());
    }
}
