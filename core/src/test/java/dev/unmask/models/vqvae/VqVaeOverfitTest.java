package dev.unmask.models.vqvae;

import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny VQ-VAE trained with Adam memorises four small images: the whole training path works together. */
class VqVaeOverfitTest {
    private static final int IMAGES = 4;
    private static final int SIZE = 16;
    private static final int STEPS = 200;
    private static final double LEARNING_RATE = 3e-3;
    /**
     * Final reconstruction MSE as a share of the images' variance (the MSE of predicting the mean). An
     * untrained model is above 2; 200 steps reach about 0.046 (CPU backend, seed 7); the bound leaves room
     * for other backends' rounding while still demanding that the images were learned.
     */
    private static final double MAX_RELATIVE_MSE = 0.1;

    /** Smooth blobs and stripes in [-1, 1], different per image, one channel. */
    static Tensor images() {
        float[] data = new float[IMAGES * SIZE * SIZE];
        for (int n = 0; n < IMAGES; n++) {
            double cx = 4 + 2.5 * n;
            double cy = 11 - 2 * n;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double blob = Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 10.0);
                    double stripes = 0.3 * Math.sin((x + n * y) * 0.6);
                    data[(n * SIZE + y) * SIZE + x] = (float) (1.6 * blob - 0.8 + stripes);
                }
            }
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(IMAGES, 1, SIZE, SIZE));
    }

    @Test
    void tinyModelMemorisesFourImages() {
        Tensor x = images();
        VqVae model = new VqVae(VqVaeConfig.of(1, 16, 1, 8, 8, 16, 4), new ParameterInit(Backends.defaultBackend(), 7));
        model.train();
        Adam adam = new Adam(model.parameters(), LEARNING_RATE);
        double first = Double.NaN;
        double last = Double.NaN;
        int codesUsed = 0;
        for (int step = 0; step < STEPS; step++) {
            adam.zeroGrad();
            VqVaeOutput out = model.forward(x);
            out.loss().backward();
            adam.step();
            last = out.reconstructionLoss().value().item();
            codesUsed = out.codesUsed();
            if (step == 0) {
                first = last;
            }
        }
        double variance = variance(x.toFloatArray());
        assertTrue(last < MAX_RELATIVE_MSE * variance, "reconstruction MSE " + last + " after " + STEPS
                + " steps (started at " + first + "), images' variance " + variance);
        assertTrue(codesUsed > 1, "the codebook collapsed to one code");
    }

    private static double variance(float[] v) {
        double mean = 0;
        for (float f : v) {
            mean += f;
        }
        mean /= v.length;
        double sum = 0;
        for (float f : v) {
            sum += (f - mean) * (f - mean);
        }
        return sum / v.length;
    }
}
