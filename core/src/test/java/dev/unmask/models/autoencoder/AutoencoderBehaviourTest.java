package dev.unmask.models.autoencoder;

import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier's penalty against a double-precision sum, the shared encoder, and its argument checks. */
class AutoencoderBehaviourTest {
    /** A float sum of 2 x 64 terms of size ~0.1 against the same sum in double. */
    private static final double PENALTY_TOLERANCE = 1e-6;

    private final AutoencoderConfig config = new AutoencoderConfig(3, 32, 32, 6, 5, 4);
    private final ConvAutoencoder autoencoder = new ConvAutoencoder(config, new ParameterInit(Backends.defaultBackend(), 1));
    private final AutoencoderClassifier classifier = new AutoencoderClassifier(autoencoder, new ParameterInit(Backends.defaultBackend(), 2));

    private Tensor images(int batch) {
        SplittableRandom rnd = new SplittableRandom(batch);
        float[] x = new float[batch * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Backends.defaultBackend().fromFloats(x, Shape.of(batch, 3, 32, 32));
    }

    @Test
    void penaltyIsL1PlusL2OfTheHeadWeightOnly() {
        double abs = 0;
        double squares = 0;
        for (float w : classifier.head().weight().value().toFloatArray()) {
            abs += Math.abs(w);
            squares += (double) w * w;
        }
        double want = AutoencoderClassifier.STUDY_L1 * abs + AutoencoderClassifier.STUDY_L2 * squares;
        assertEquals(want, classifier.penalty().value().item(), PENALTY_TOLERANCE * want);
        assertEquals(2 * config.codeSize(), classifier.head().weight().value().numel());
    }

    @Test
    void classifierSharesTheAutoencodersEncoder() {
        assertTrue(classifier.stateDict().get("encoder.0.weight") == autoencoder.stateDict().get("encoder.0.weight"));
        Tensor p = classifier.probabilities(images(3));
        assertEquals(Shape.of(3, 2), p.shape());
        float[] v = p.toFloatArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(1f, v[2 * i] + v[2 * i + 1], 1e-6f);
        }
    }

    @Test
    void badLabelsAndImagesAreNamed() {
        Tensor x = images(2);
        Tensor three = Backends.defaultBackend().fromInts(new int[] {0, 2}, Shape.of(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.forward(x, three));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
        Tensor floats = Backends.defaultBackend().full(Shape.of(2), DType.F32, 0f);
        assertThrows(IllegalArgumentException.class, () -> classifier.forward(x, floats));
        e = assertThrows(IllegalArgumentException.class, () -> autoencoder.forward(images(2).reshape(2, 3, 16, 64)));
        assertTrue(e.getMessage().contains("ConvAutoencoder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AutoencoderClassifier(autoencoder, -1f, 0.1f, new ParameterInit(Backends.defaultBackend(), 1)));
        assertThrows(IllegalArgumentException.class, () -> AutoencoderConfig.study().withSize(250, 256));
    }
}
