package dev.unmask.models.vae;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@link ReconstructionVae} on small models: noise, modes, argument checks and what training does to scores. */
class VaeBehaviourTest {
    /** An image's score alone and within a batch, in evaluation mode: the same sums in another blocking of the batch. */
    private static final float BATCH_INDEPENDENCE = 1e-5f;

    private static final OcFakeDectConfig SMALL_OC = new OcFakeDectConfig(3, 16, 16, 4, 8, 8, 4, false, OutputActivation.SIGMOID);

    private static List<Module> smallModels() {
        ParameterInit init = new ParameterInit(Backends.defaultBackend(), 7);
        return List.of(new OcFakeDect(SMALL_OC, init), new OcFakeDect(SMALL_OC.withSecondEncoder(true), init),
                new SymmetricResNetVae(new ResNetVaeConfig(3, 16, 16, 2, 5, ResNetStem.SMALL, OutputActivation.SIGMOID), init),
                new SymmetricResNetVae(new ResNetVaeConfig(3, 32, 32, 2, 5, ResNetStem.IMAGENET, OutputActivation.LINEAR), init),
                new AsymmetricResNetVae(new AsymmetricResNetVaeConfig(3, 32, 32, 2, 8, 6, 5, 4, 4, 2, OutputActivation.SIGMOID), init));
    }

    private static Tensor images(int batch, int side, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[batch * 3 * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Backends.defaultBackend().fromFloats(x, Shape.of(batch, 3, side, side));
    }

    private static int side(Module m) {
        return m instanceof OcFakeDect oc ? oc.config().height()
                : m instanceof SymmetricResNetVae s ? s.config().height() : ((AsymmetricResNetVae) m).config().height();
    }

    @Test
    void noiseFromASeededGeneratorIsEpsilonInRowMajorOrder() {
        for (Module m : smallModels()) {
            ReconstructionVae vae = (ReconstructionVae) m;
            Tensor x = images(4, side(m), 1);
            Shape latent = vae.latentShape(4);
            SplittableRandom draws = new SplittableRandom(5);
            float[] epsilon = new float[latent.numel()];
            for (int i = 0; i < epsilon.length; i++) {
                epsilon[i] = (float) draws.nextGaussian();
            }
            m.eval();  // keeps the running statistics still, so the repeated forwards see the same model
            float[] explicit = vae.forward(x, Backends.defaultBackend().fromFloats(epsilon, latent)).loss().value().toFloatArray();
            float[] seeded = vae.forward(x, new SplittableRandom(5)).loss().value().toFloatArray();
            float[] other = vae.forward(x, new SplittableRandom(6)).loss().value().toFloatArray();
            String name = m.getClass().getSimpleName();
            assertArrayEquals(explicit, seeded, name);
            assertNotEquals(explicit[0], other[0], name + ": another seed, another sample");
        }
    }

    @Test
    void evaluationScoresDoNotDependOnTheBatch() {
        for (Module m : smallModels()) {
            ReconstructionVae vae = (ReconstructionVae) m;
            m.train();
            vae.forward(images(4, side(m), 2), new SplittableRandom(1));  // running statistics away from their start
            m.eval();
            Tensor batch = images(3, side(m), 3);
            float[] together = vae.score(batch).toFloatArray();
            int s = side(m);
            float[] first = vae.score(Backend.of(batch).slice(batch, 0, 0, 1)).toFloatArray();
            assertEquals(3, together.length);
            assertEquals(together[0], first[0], BATCH_INDEPENDENCE * Math.abs(together[0]), m.getClass().getSimpleName());
            assertEquals(Shape.of(3, 3, s, s), vae.reconstruct(batch).shape());
        }
    }

    @Test
    void badInputsAreNamed() {
        for (Module m : smallModels()) {
            ReconstructionVae vae = (ReconstructionVae) m;
            String name = m.getClass().getSimpleName();
            Tensor x = images(2, side(m), 4);
            m.train();
            IllegalStateException mode = assertThrows(IllegalStateException.class, () -> vae.score(x));
            assertTrue(mode.getMessage().contains("eval()"), mode.getMessage());
            assertThrows(IllegalStateException.class, () -> vae.reconstruct(x), name);
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> vae.forward(images(2, side(m) + 8, 4), new SplittableRandom(1)));
            assertTrue(size.getMessage().contains(name) && size.getMessage().contains("expected F32 images"), size.getMessage());
            Tensor wrongNoise = Backends.defaultBackend().full(Shape.of(3, 1), DType.F32, 0f);
            IllegalArgumentException noise = assertThrows(IllegalArgumentException.class, () -> vae.forward(x, wrongNoise));
            assertTrue(noise.getMessage().contains("epsilon"), noise.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> OcFakeDectConfig.ocFakeDect1(OutputActivation.LINEAR).withSize(98, 100));
        assertThrows(IllegalArgumentException.class, () -> new ResNetVaeConfig(3, 200, 224, 64, 256, ResNetStem.IMAGENET,
                OutputActivation.LINEAR));
        assertThrows(IllegalArgumentException.class, () -> ResNetVaeConfig.small(36, OutputActivation.SIGMOID));
    }

    /**
     * Trained for 60 Adam steps on four faces-like images (smooth gradients), OC-FakeDect-1 lowers its loss and
     * scores those images below images of uniform noise, which it has never seen.
     */
    @Test
    void trainingLowersTheLossAndSeparatesUnseenNoise() {
        OcFakeDect model = new OcFakeDect(SMALL_OC, new ParameterInit(Backends.defaultBackend(), 3));
        int side = 16;
        float[] smooth = new float[4 * 3 * side * side];
        for (int i = 0; i < smooth.length; i++) {
            int image = i / (3 * side * side);
            int y = i / side % side;
            int x = i % side;
            smooth[i] = (float) (0.5 + 0.3 * Math.sin((x + image) / 4.0) * Math.cos((y - image) / 5.0));
        }
        Tensor train = Backends.defaultBackend().fromFloats(smooth, Shape.of(4, 3, side, side));
        Adam optimizer = new Adam(model.parameters(), 3e-3);
        SplittableRandom noise = new SplittableRandom(9);
        float first = 0;
        float last = 0;
        model.train();
        for (int step = 0; step < 60; step++) {
            optimizer.zeroGrad();
            VaeOutput out = model.forward(train, noise);
            out.loss().backward();
            optimizer.step();
            last = out.loss().value().item();
            first = step == 0 ? last : first;
        }
        assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
        model.eval();
        float[] seen = model.score(train).toFloatArray();
        float[] unseen = model.score(images(4, side, 11)).toFloatArray();
        for (float s : seen) {
            for (float u : unseen) {
                assertTrue(s < u, "a training image scored " + s + ", above unseen noise at " + u);
            }
        }
    }
}
