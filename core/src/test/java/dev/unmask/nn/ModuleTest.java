package dev.unmask.nn;

import dev.unmask.autograd.GradCheck;
import dev.unmask.autograd.PyTorchGoldens;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter naming, state dicts and modes, with names checked against what PyTorch prints. */
class ModuleTest {
    private static ParameterInit init(long seed) {
        return new ParameterInit(Backends.defaultBackend(), seed);
    }

    private static Sequential convReluConv(long seed) {
        ParameterInit init = init(seed);
        return new Sequential(new Conv2d(3, 4, 3, 1, 0, init), new ReLU(), new Conv2d(4, 2, 1, 1, 0, init));
    }

    @Test
    void sequentialNamesFollowPyTorchPositions() {
        List<String> expected = PyTorchGoldens.load("names").names("sequential.names");
        assertEquals(expected, new ArrayList<>(convReluConv(1).stateDict().keySet()));
        assertEquals(expected, new ArrayList<>(convReluConv(1).namedParameters().keySet()));
    }

    @Test
    void weightNormAndBatchNormNamesMatchPyTorch() {
        Conv2d conv = WeightNorm.apply(new Conv2d(3, 4, 3, 1, 1, init(1)));
        assertEquals(PyTorchGoldens.load("conv").names("wn.names"), new ArrayList<>(conv.stateDict().keySet()));
        assertEquals(PyTorchGoldens.load("batchnorm").names("bn.names"),
                new ArrayList<>(new BatchNorm2d(4, init(0)).stateDict().keySet()));
    }

    @Test
    void nestedModulesUseDottedNames() {
        class Block extends Layer {
            final Sequential body = registerModule("body", convReluConv(3));
            final BatchNorm2d norm = registerModule("norm", new BatchNorm2d(2, init(0)));

            @Override
            public Variable forward(Variable x) {
                return norm.forward(body.forward(x));
            }
        }
        assertEquals(List.of("body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "norm.weight",
                "norm.bias", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"),
                new ArrayList<>(new Block().stateDict().keySet()));
    }

    @Test
    void stateDictRoundTripReproducesTheModel() {
        Sequential source = convReluConv(1);
        Sequential target = convReluConv(2);
        Variable x = Variable.constant(GradCheck.uniform(new SplittableRandom(5), -1, 1, 2, 3, 6, 6));
        assertFalse(Arrays.equals(source.forward(x).value().toFloatArray(), target.forward(x).value().toFloatArray()));
        target.loadStateDict(source.stateDict());
        assertArrayEquals(source.forward(x).value().toFloatArray(), target.forward(x).value().toFloatArray());
        // loading copies values: the two models do not share tensors afterwards
        assertNotEquals(source.stateDict().get("0.weight"), target.stateDict().get("0.weight"));
    }

    @Test
    void initialisationIsSeededAndWithinPyTorchsBound() {
        float[] a = new Conv2d(3, 8, 3, 1, 1, init(7)).weight().value().toFloatArray();
        float[] b = new Conv2d(3, 8, 3, 1, 1, init(7)).weight().value().toFloatArray();
        assertArrayEquals(a, b);
        double bound = 1 / Math.sqrt(3 * 3 * 3);
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.8 * bound, "weights should fill U(-" + bound + ", " + bound + "), max " + max);
    }

    @Test
    void loadStateDictRejectsMissingUnexpectedAndMisshapenEntriesWithoutChangingAnything() {
        Sequential model = convReluConv(1);
        float[] before = model.stateDict().get("0.weight").toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(convReluConv(2).stateDict());
        state.remove("2.bias");
        state.put("3.weight", Backends.defaultBackend().full(Shape.of(1), DType.F32, 0f));
        state.put("0.bias", Backends.defaultBackend().full(Shape.of(5), DType.F32, 0f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing '2.bias'"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected '3.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("'0.bias'") && e.getMessage().contains("[5]"), e.getMessage());
        assertArrayEquals(before, model.stateDict().get("0.weight").toFloatArray());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential model = new Sequential(new Sequential(new Dropout(0.5f, 1)), new BatchNorm2d(2, init(0)));
        model.eval();
        assertFalse(((Sequential) model.get(0)).get(0).isTraining());
        assertFalse(model.get(1).isTraining());
        model.train();
        assertTrue(((Sequential) model.get(0)).get(0).isTraining());
    }

    @Test
    void duplicateOrDottedNamesAreRejected() {
        class Bad extends Module {
            void register(String name) {
                registerParameter(name, new Parameter(Backends.defaultBackend().full(Shape.of(1), DType.F32, 0f)));
            }
        }
        Bad bad = new Bad();
        bad.register("w");
        assertThrows(IllegalArgumentException.class, () -> bad.register("w"));
        assertThrows(IllegalArgumentException.class, () -> bad.register("a.b"));
    }
}
