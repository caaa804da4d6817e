package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PixelSNAIL and its gated residual block against the PyTorch model of
 * core/src/test/python/make_pixelsnail_goldens.py (rosinality's structure and names).
 */
class PixelSnailGoldenTest {
    /**
     * Forward values: float32 on both sides with different summation orders through about 20 layers;
     * logits are O(1), so rounding differences stay near 1e-6 and 1e-4 relative leaves a wide margin.
     */
    private static final double FORWARD_RELATIVE = 1e-4;
    private static final double FORWARD_ABSOLUTE = 1e-5;
    /**
     * Gradients: the backward pass doubles the chain and sums over all positions, so relative 1e-3; the
     * absolute floor covers entries that cancel to near zero (gradients here are 1e-4 to 1e-1).
     */
    private static final double GRADIENT_RELATIVE = 1e-3;
    private static final double GRADIENT_ABSOLUTE = 1e-6;

    @Test
    void logitsLossAndEveryParameterGradientMatchPyTorch() {
        PixelSnailGoldens model = PixelSnailGoldens.load("model");
        PixelSnailGoldens gradients = PixelSnailGoldens.load("gradients");
        PixelSnail snail = new PixelSnail(model.config(), new ParameterInit(Backends.defaultBackend(), 1));
        snail.loadStateDict(model.stateDict());
        Tensor codes = model.tensor("codes");

        Variable logits = snail.logits(codes);
        model.assertClose("logits", logits.value(), FORWARD_ABSOLUTE, FORWARD_RELATIVE);

        Variable loss = snail.nll(codes).mean();
        gradients.assertClose("loss", loss.value(), FORWARD_ABSOLUTE, FORWARD_RELATIVE);
        loss.backward();
        Map<String, Parameter> parameters = snail.namedParameters();
        for (Map.Entry<String, Parameter> p : parameters.entrySet()) {
            gradients.assertClose("grad." + p.getKey(), p.getValue().grad(), GRADIENT_ABSOLUTE, GRADIENT_RELATIVE);
        }
    }

    @Test
    void stateDictNamesAndOrderAreRosinalitys() {
        PixelSnailGoldens model = PixelSnailGoldens.load("model");
        PixelSnail snail = new PixelSnail(model.config(), new ParameterInit(Backends.defaultBackend(), 1));
        assertEquals(model.names(), new ArrayList<>(snail.stateDict().keySet()));
        Map<String, Tensor> state = snail.stateDict();
        for (String name : model.names()) {
            assertEquals(model.tensor(name).shape(), state.get(name).shape(), name);
        }
    }

    @Test
    void backgroundBufferMatchesPyTorch() {
        PixelSnailGoldens model = PixelSnailGoldens.load("model");
        PixelSnail snail = new PixelSnail(model.config(), new ParameterInit(Backends.defaultBackend(), 1));
        model.assertClose("background", snail.stateDict().get("background"), 0, 0);
    }

    @Test
    void gatedResBlockWithCausalKernelAuxiliaryInputAndConditionMatchesPyTorch() {
        PixelSnailGoldens g = PixelSnailGoldens.load("resblock");
        GatedResBlock block = new GatedResBlock(4, 6, 3, GatedResBlock.Convolution.CAUSAL, 0, 3, 2,
                new ParameterInit(Backends.defaultBackend(), 1));
        assertEquals(g.names(), new ArrayList<>(block.stateDict().keySet()));
        block.loadStateDict(g.stateDict());
        Variable x = Variable.leaf(g.tensor("x"));
        Variable aux = Variable.leaf(g.tensor("aux"));
        Variable condition = Variable.leaf(g.tensor("condition"));
        Variable out = block.forward(x, aux, condition);
        g.assertClose("out", out.value(), FORWARD_ABSOLUTE, FORWARD_RELATIVE);
        out.backward(g.tensor("gradOut"));
        for (Map.Entry<String, Parameter> p : block.namedParameters().entrySet()) {
            g.assertClose("grad." + p.getKey(), p.getValue().grad(), GRADIENT_ABSOLUTE, GRADIENT_RELATIVE);
        }
    }
}
