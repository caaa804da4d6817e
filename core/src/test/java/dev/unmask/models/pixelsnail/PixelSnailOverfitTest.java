package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training end to end: Adam drives the NLL of a few fixed code grids down to what causality allows. */
class PixelSnailOverfitTest {
    private static final int GRIDS = 4;
    private static final int SIDE = 4;
    private static final int CLASSES = 8;
    private static final int STEPS = 120;
    /**
     * The grids differ in their first code, which nothing precedes, so the best possible mean NLL is
     * ln(GRIDS) / positions (a uniform guess at position 0, certainty after it); the margin allows for
     * the few steps not quite reaching certainty.
     */
    private static final double BOUND = Math.log(GRIDS) / (SIDE * SIDE) + 0.05;

    @Test
    void adamMemorisesFourGridsUpToTheUnpredictableFirstCode() {
        PixelSnailConfig config = new PixelSnailConfig(SIDE, SIDE, CLASSES, 16, 3, 1, 1, 16, true, 0, 2);
        PixelSnail model = new PixelSnail(config, new ParameterInit(Backends.defaultBackend(), 31));
        SplittableRandom rng = new SplittableRandom(32);
        int[] values = new int[GRIDS * SIDE * SIDE];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % (SIDE * SIDE) == 0 ? i / (SIDE * SIDE) : rng.nextInt(CLASSES);
        }
        Tensor codes = Backends.defaultBackend().fromInts(values, Shape.of(GRIDS, SIDE, SIDE));
        Adam adam = new Adam(model.parameters(), 1e-2);
        double initial = meanNll(model, codes);
        for (int step = 0; step < STEPS; step++) {
            adam.zeroGrad();
            Variable loss = model.nll(codes).mean();
            loss.backward();
            adam.step();
        }
        double trained = meanNll(model, codes);
        assertTrue(trained < BOUND, "mean NLL " + initial + " -> " + trained + " after " + STEPS
                + " steps, bound " + BOUND);
    }

    private static double meanNll(PixelSnail model, Tensor codes) {
        try (NoGrad scope = NoGrad.enter()) {
            return model.nll(codes).mean().value().item();
        }
    }
}
