package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.unmask.models.vae.VaeGoldens.assertClose;
import static dev.unmask.models.vae.VaeGoldens.assertStateShapes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ResNet18Encoder} against a resnet18 state dict as torchvision names and saves it (classifier included,
 * {@code num_batches_tracked} as I64), written by {@code make_vae_goldens.py} with a narrow width: the weights
 * load by name and the pooled features equal PyTorch's in evaluation mode; at full width the encoder's state
 * dict is torchvision's resnet18 minus {@code fc}.
 */
class TorchvisionEncoderTest {
    /** Float32 on both sides through 20 layers in different summation orders (see {@link VaeGoldenTest}). */
    private static final double FORWARD_TOLERANCE = 1e-4;
    private static final int GOLDEN_WIDTH = 4;

    private static Map<String, Tensor> torchvisionState(VaeGoldens golden) {
        Map<String, Tensor> state = new LinkedHashMap<>(golden.withPrefix(""));
        state.keySet().removeIf(name -> name.startsWith("test."));
        return state;
    }

    @Test
    void torchvisionWeightsLoadByNameAndGiveTheSameFeatures() {
        VaeGoldens golden = VaeGoldens.load("vae", "torchvision_resnet18");
        ResNet18Encoder encoder = new ResNet18Encoder(3, GOLDEN_WIDTH, ResNetStem.IMAGENET, new ParameterInit(Backends.defaultBackend(), 3));
        Map<String, Tensor> state = torchvisionState(golden);
        assertTrue(state.containsKey("fc.weight"), "the golden holds torchvision's classifier too");
        encoder.loadTorchvisionStateDict(state);
        encoder.eval();
        Tensor features = encoder.forward(Variable.constant(golden.tensor("test.input"))).value();
        assertClose("pooled features", golden.tensor("test.features"), features, FORWARD_TOLERANCE);
    }

    @Test
    void fullWidthEncoderIsTorchvisionsResnet18WithoutItsClassifier() {
        Map<String, Shape> torchvision = VaeGoldens.load("vae", "torchvision_resnet18").stateShapes("preset_state");
        torchvision.keySet().removeIf(name -> name.startsWith("fc."));
        assertStateShapes(torchvision, new ResNet18Encoder(3, 64, ResNetStem.IMAGENET, new ParameterInit(Backends.defaultBackend(), 3)));
    }

    @Test
    void missingOrUnexpectedEntriesAreNamed() {
        Map<String, Tensor> state = torchvisionState(VaeGoldens.load("vae", "torchvision_resnet18"));
        ResNet18Encoder encoder = new ResNet18Encoder(3, GOLDEN_WIDTH, ResNetStem.IMAGENET, new ParameterInit(Backends.defaultBackend(), 3));
        Map<String, Tensor> missing = new LinkedHashMap<>(state);
        missing.remove("layer4.1.bn2.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.loadTorchvisionStateDict(missing));
        assertTrue(e.getMessage().contains("missing 'layer4.1.bn2.weight'"), e.getMessage());
        Map<String, Tensor> extra = new LinkedHashMap<>(state);
        extra.put("layer5.0.conv1.weight", state.get("conv1.weight"));
        e = assertThrows(IllegalArgumentException.class, () -> encoder.loadTorchvisionStateDict(extra));
        assertTrue(e.getMessage().contains("unexpected 'layer5.0.conv1.weight'"), e.getMessage());
        ResNet18Encoder wider = new ResNet18Encoder(3, 2 * GOLDEN_WIDTH, ResNetStem.IMAGENET, new ParameterInit(Backends.defaultBackend(), 3));
        e = assertThrows(IllegalArgumentException.class, () -> wider.loadTorchvisionStateDict(state));
        assertTrue(e.getMessage().contains("'conv1.weight' is F32"), e.getMessage());
    }
}
